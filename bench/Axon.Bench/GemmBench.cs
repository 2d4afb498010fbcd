namespace Axon.Bench;
public class GemmBench { }
