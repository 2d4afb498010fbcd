using Axon.Cli;

return AxonCli.Run(args, Console.Out, Console.Error);
