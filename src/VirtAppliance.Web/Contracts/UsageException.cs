namespace VirtAppliance.Web.Contracts;

/// <summary>A verb or request was used the wrong way in a way no parser can see (e.g. a required value and no terminal to ask on): exit 2, HTTP 400.</summary>
public sealed class UsageException(string message) : Exception(message);
