namespace Axon.Serving.Protocol;

/// <summary>
/// A request the server refuses, with the HTTP status it maps to and a stable code (AXS...). Every client mistake is
/// one of these, so the transport layers can answer 4xx with <c>{"error": "..."}</c> and never 500.
/// </summary>
internal sealed class ServingException(int status, string code, string message) : Exception(message)
{
    public int Status { get; } = status;
    public string Code { get; } = code;

    public static ServingException BadRequest(string code, string message) => new(400, code, message);
    public static ServingException NotFound(string code, string message) => new(404, code, message);
    public static ServingException Unavailable(string code, string message) => new(503, code, message);
    public static ServingException Unauthorized(string message) => new(401, "AXS040", message);
    public static ServingException Forbidden(string message) => new(403, "AXS041", message);
    public static ServingException TooLarge(string message) => new(413, "AXS042", message);
}

/// <summary>The stable serving error codes (documented in docs/errors.md).</summary>
internal static class ServingCodes
{
    public const string BadJson = "AXS001";
    public const string BadField = "AXS002";
    public const string BadDatatype = "AXS003";
    public const string BadShape = "AXS004";
    public const string BadData = "AXS005";
    public const string BadBinary = "AXS006";
    public const string UnknownInput = "AXS007";
    public const string MissingInput = "AXS008";
    public const string UnknownOutput = "AXS009";
    public const string InputMismatch = "AXS010";
    public const string BatchTooLarge = "AXS011";
    public const string TooManyElements = "AXS012";
    public const string BadName = "AXS020";
    public const string UnknownModel = "AXS021";
    public const string UnknownVersion = "AXS022";
    public const string ModelNotReady = "AXS023";
    public const string ModelLoadFailed = "AXS024";
    public const string BadConfig = "AXS025";
    public const string RepositoryDisabled = "AXS026";
    public const string QueueFull = "AXS030";
    public const string ShuttingDown = "AXS031";
    public const string ModelFailed = "AXS032";
    public const string UnimplementedRpc = "AXS044";
    public const string BadWindow = "AXS050";
}
