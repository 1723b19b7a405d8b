using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Shouldly;
using Xunit;

namespace VirtAppliance.Web.Tests;

/// <summary>Small helpers for calling the REST API: JSON in, status and JSON out.</summary>
internal static class Api
{
    public static async Task<(HttpStatusCode Status, JsonNode? Body)> SendAsync(HttpClient client, HttpMethod method, string path, string? json = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null)
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    public static Task<(HttpStatusCode Status, JsonNode? Body)> GetAsync(HttpClient client, string path) => SendAsync(client, HttpMethod.Get, path);

    public static Task<(HttpStatusCode Status, JsonNode? Body)> PostAsync(HttpClient client, string path, string json = "{}") => SendAsync(client, HttpMethod.Post, path, json);

    public static Task<(HttpStatusCode Status, JsonNode? Body)> DeleteAsync(HttpClient client, string path) => SendAsync(client, HttpMethod.Delete, path);

    /// <summary>The body, after checking the status (the body is in the message when it is not the one expected).</summary>
    public static JsonNode Expect(this (HttpStatusCode Status, JsonNode? Body) answer, HttpStatusCode status)
    {
        answer.Status.ShouldBe(status, answer.Body?.ToJsonString());
        return answer.Body!;
    }

    public static string Name(string purpose) => $"va-web-{purpose}-{Guid.NewGuid().ToString("N")[..8]}";
}
