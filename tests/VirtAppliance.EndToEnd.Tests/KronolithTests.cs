using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.RegularExpressions;
using System.Text.Json;
using Shouldly;
using Xunit;

namespace VirtAppliance.EndToEnd.Tests;

/// <summary>
/// The reference appliance of issue 13, for real: examples/kronolith built from its recipe (Debian 12's Kronolith,
/// Apache, PostgreSQL 15, a Puppet module), deployed under TCG with the site's mail server on this host's loopback,
/// the site's TLS certificate as a Puppet override and syslog forwarding as a Puppet addition; the login page answers,
/// the calendar's mail reaches a real SMTP server, an event stored over CalDAV survives the update to a rebuilt 1.1.
/// </summary>
public partial class KronolithTests
{
    private const string AdminPassword = "S3cret 'quoted' pass";

    [Fact]
    public async Task The_Kronolith_recipe_builds_deploys_mails_through_the_site_server_takes_site_Puppet_and_keeps_its_calendar_across_an_update()
    {
        var cancel = TestContext.Current.CancellationToken;
        using var work = new TemporaryFolder();
        var recipe = Path.Combine(work.Path, "recipe");
        Tools.Run("cp", "-r", Path.Combine(CliRunner.RepositoryRoot, "examples", "kronolith"), recipe);
        var root = Path.Combine(work.Path, "store");
        var vm = $"va-e2e-cal-{Guid.NewGuid().ToString("N")[..6]}";

        // Given a real SMTP server and a syslog listener on this host's loopback (the guest reaches them as 10.0.2.2)
        var mailbox = Path.Combine(work.Path, "mail");
        var smtpPort = FreePort();
        using var smtp = Process.Start(new ProcessStartInfo("/usr/bin/python3", ["-m", "aiosmtpd", "-n", "-l", $"127.0.0.1:{smtpPort}", "-c", "aiosmtpd.handlers.Mailbox", mailbox])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        })!;
        using var syslog = new LineListener();
        // and the site's two Puppet modules: its certificate (an override) and its log server (an addition)
        var site = Path.Combine(work.Path, "site");
        Directory.CreateDirectory(site);
        Tools.Run("cp", "-r", Path.Combine(recipe, "site", "tls"), Path.Combine(site, "tls"));
        Tools.Run("cp", "-r", Path.Combine(recipe, "site", "syslog_forward"), Path.Combine(site, "syslog_forward"));
        await File.WriteAllTextAsync(Path.Combine(site, "syslog_forward", "data", "common.yaml"),
            $"---\nsyslog_forward::host: \"10.0.2.2\"\nsyslog_forward::port: {syslog.Port}\nsyslog_forward::protocol: \"tcp\"\n", cancel);
        var secrets = work.Write("secrets.yaml", $"admin_password: \"{AdminPassword}\"\n");

        try
        {
            // When the recipe is built, packed, installed and deployed, the site's modules added before its first start
            var build = await Cli(root, "build", recipe, "-o", Path.Combine(work.Path, "kronolith-1.0"));
            build.ExitCode.ShouldBe(0, build.ToString());
            (await Cli(root, "pack", Path.Combine(work.Path, "kronolith-1.0"), "-o", Path.Combine(work.Path, "kronolith-1.0.vapp"))).ExitCode.ShouldBe(0);
            (await Cli(root, "install", Path.Combine(work.Path, "kronolith-1.0.vapp"), "--allow-unsigned")).ExitCode.ShouldBe(0);
            var deploy = await Cli(root, "deploy", "kronolith", "--name", vm, "--no-start", "--set", "mail_host=10.0.2.2", "--set", $"mail_port={smtpPort}",
                "--set", "notify_email=ops@example.org", "--values", secrets);
            deploy.ExitCode.ShouldBe(0, deploy.ToString());
            (await Cli(root, "config", vm, "puppet", "add", Path.Combine(site, "tls"), "--kind", "override")).ExitCode.ShouldBe(0);
            (await Cli(root, "config", vm, "puppet", "add", Path.Combine(site, "syslog_forward"), "--kind", "addition")).ExitCode.ShouldBe(0);
            (await Cli(root, "config", vm, "apply")).ExitCode.ShouldBe(0);
            var start = await Cli(root, "start", vm);
            start.ExitCode.ShouldBe(0, start.ToString() + Console(root, vm));

            // Then the login page answers on the published port, and admin logs in with the site's password
            var (http, https) = await PublishedPortsAsync(root, vm);
            using var client = NewClient();
            var login = await client.GetAsync(new Uri($"http://127.0.0.1:{http}/horde/login.php"), cancel);
            login.StatusCode.ShouldBe(HttpStatusCode.OK);
            var page = await login.Content.ReadAsStringAsync(cancel);
            page.ShouldContain("<title>Horde :: Log in</title>");
            page.ShouldContain("name=\"horde_user\"");
            (await LogInAsync(client, http, AdminPassword)).ShouldBe("/horde/services/portal/");

            // And the calendar's mail went through Horde's mailer to the site's SMTP server
            (await WaitForAsync(() => Mails(mailbox).FirstOrDefault(mail => mail.Contains("Subject: Kronolith calendar ready", StringComparison.Ordinal)),
                TimeSpan.FromMinutes(3))).ShouldNotBeNull($"no mail in {mailbox}; console:\n{Console(root, vm)}");
            // And the override put the site's certificate on the HTTPS side, the addition sent syslog (Horde's login) to the site's server
            (await ServerCertificateAsync(https)).Subject.ShouldContain("CN=calendar.example.org");
            (await WaitForAsync(() => syslog.Text.Contains($" {vm} ", StringComparison.Ordinal) ? "yes" : null, TimeSpan.FromMinutes(2)))
                .ShouldNotBeNull($"syslog received:\n{syslog.Text}");
            // (Horde logs each login to syslog: one made now, after the addition restarted rsyslog, reaches the site's server)
            using (var again = NewClient())
                (await LogInAsync(again, http, AdminPassword)).ShouldBe("/horde/services/portal/");
            (await WaitForAsync(() => syslog.Text.Contains("Login success for admin", StringComparison.Ordinal) ? "yes" : null, TimeSpan.FromMinutes(2)))
                .ShouldNotBeNull($"syslog received:\n{syslog.Text}");

            // When a calendar client stores an event over CalDAV
            var calendar = await CalendarUrlAsync(client, http);
            var eventUrl = new Uri(calendar, "va-e2e-event.ics");
            var put = await client.SendAsync(Dav(HttpMethod.Put, eventUrl, Ics("va-e2e-event", "Planning before the update"), "text/calendar"), cancel);
            put.StatusCode.ShouldBe(HttpStatusCode.Created, await put.Content.ReadAsStringAsync(cancel));

            // And version 1.1, rebuilt from the recipe, replaces the system disk
            await ReplaceAsync(Path.Combine(recipe, "appliance.xml"), "<name version=\"1.0\"", "<name version=\"1.1\"");
            var rebuild = await Cli(root, "build", recipe, "-o", Path.Combine(work.Path, "kronolith-1.1"));
            rebuild.ExitCode.ShouldBe(0, rebuild.ToString());
            (await Cli(root, "pack", Path.Combine(work.Path, "kronolith-1.1"), "-o", Path.Combine(work.Path, "kronolith-1.1.vapp"))).ExitCode.ShouldBe(0);
            (await Cli(root, "install", Path.Combine(work.Path, "kronolith-1.1.vapp"), "--allow-unsigned")).ExitCode.ShouldBe(0);
            var update = await Cli(root, "update", vm, "--to", "1.1");
            update.ExitCode.ShouldBe(0, update.ToString() + Console(root, vm));

            // Then the event is still in the calendar (PostgreSQL on the kept user disk), the site's override applied again
            (http, https) = await PublishedPortsAsync(root, vm);
            using var after = NewClient();
            var read = await after.SendAsync(Dav(HttpMethod.Get, new Uri($"http://127.0.0.1:{http}{eventUrl.AbsolutePath}")), cancel);
            read.StatusCode.ShouldBe(HttpStatusCode.OK);
            (await read.Content.ReadAsStringAsync(cancel)).ShouldContain("SUMMARY:Planning before the update");
            (await ServerCertificateAsync(https)).Subject.ShouldContain("CN=calendar.example.org");
            (await LogInAsync(after, http, AdminPassword)).ShouldBe("/horde/services/portal/");
        }
        finally
        {
            await Cli(root, "undeploy", vm, "--delete-data");
            if (!smtp.HasExited)
                smtp.Kill(entireProcessTree: true);
        }
    }

    private static Task<CliResult> Cli(string root, params string[] args) => CliRunner.InStoreAsync(root, args);

    private static string Console(string root, string vm)
    {
        var path = Path.Combine(root, "instances", vm, "console.log");
        return File.Exists(path) ? "\n--- console\n" + File.ReadAllText(path).Replace("\r", "", StringComparison.Ordinal) : "";
    }

    private static async Task<(int Http, int Https)> PublishedPortsAsync(string root, string vm)
    {
        var vms = await Cli(root, "vms", "--json");
        using var json = JsonDocument.Parse(vms.Stdout);
        var forwards = json.RootElement.EnumerateArray().Single(entry => entry.GetProperty("name").GetString() == vm).GetProperty("forwards").EnumerateArray().ToList();
        int Host(int guest) => forwards.Single(forward => forward.GetProperty("guest_port").GetInt32() == guest).GetProperty("host_port").GetInt32();
        return (Host(80), Host(443));
    }

    private static HttpClient NewClient() =>
        new(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer(), UseCookies = true }) { Timeout = TimeSpan.FromMinutes(2) };

    /// <summary>Horde's login form, as a browser posts it; returns the path Horde sends the browser to next.</summary>
    private static async Task<string?> LogInAsync(HttpClient client, int port, string password)
    {
        var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["horde_user"] = "admin", ["horde_pass"] = password, ["login_post"] = "1", ["app"] = "", ["url"] = "", ["anchor_string"] = "", ["horde_select_view"] = "auto",
        });
        using var response = await client.PostAsync(new Uri($"http://127.0.0.1:{port}/horde/login.php"), form, TestContext.Current.CancellationToken);
        return response.Headers.Location is { } location ? (location.IsAbsoluteUri ? location.AbsolutePath : location.OriginalString) : null;
    }

    /// <summary>admin's default calendar collection, found as a CalDAV client finds it (PROPFIND on the calendar home).</summary>
    private static async Task<Uri> CalendarUrlAsync(HttpClient client, int port)
    {
        var propfind = Dav(new HttpMethod("PROPFIND"), new Uri($"http://127.0.0.1:{port}/horde/rpc.php/calendars/admin/"),
            """<d:propfind xmlns:d="DAV:"><d:prop><d:resourcetype/></d:prop></d:propfind>""", "application/xml");
        propfind.Headers.Add("Depth", "1");
        using var response = await client.SendAsync(propfind, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        ((int)response.StatusCode).ShouldBe(207, body);
        var href = CalendarHref().Match(body);
        href.Success.ShouldBeTrue(body);
        return new Uri($"http://127.0.0.1:{port}{href.Groups[1].Value}");
    }

    private static HttpRequestMessage Dav(HttpMethod method, Uri uri, string? body = null, string? contentType = null)
    {
        var request = new HttpRequestMessage(method, uri);
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"admin:{AdminPassword}")));
        if (body is not null)
            request.Content = new StringContent(body, Encoding.UTF8, contentType ?? "text/plain");
        return request;
    }

    private static string Ics(string uid, string summary)
    {
        var day = TimeProvider.System.GetUtcNow().AddDays(1).ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture);
        return string.Join("\r\n", "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//virt-appliance//e2e//EN", "BEGIN:VEVENT", $"UID:{uid}",
            $"DTSTAMP:{day}T090000Z", $"DTSTART:{day}T140000Z", $"DTEND:{day}T150000Z", $"SUMMARY:{summary}", "END:VEVENT", "END:VCALENDAR", "");
    }

    private static async Task<X509Certificate2> ServerCertificateAsync(int port)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port, TestContext.Current.CancellationToken);
        X509Certificate2? seen = null;
        await using var tls = new SslStream(tcp.GetStream(), false, (_, certificate, _, _) =>
        {
            seen = certificate is null ? null : X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
            return true; // the test certificate is self-signed: we only look at whose it is
        });
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "calendar.example.org" }, TestContext.Current.CancellationToken);
        return seen.ShouldNotBeNull();
    }

    private static IEnumerable<string> Mails(string maildir) =>
        Directory.Exists(Path.Combine(maildir, "new")) ? Directory.GetFiles(Path.Combine(maildir, "new")).Select(File.ReadAllText) : [];

    private static async Task<string?> WaitForAsync(Func<string?> probe, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (probe() is { } found)
                return found;
            await Task.Delay(TimeSpan.FromSeconds(2), TestContext.Current.CancellationToken);
        }
        return probe();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task ReplaceAsync(string path, string from, string to)
    {
        var text = await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken);
        text.ShouldContain(from);
        await File.WriteAllTextAsync(path, text.Replace(from, to, StringComparison.Ordinal), TestContext.Current.CancellationToken);
    }

    [GeneratedRegex("<d:href>(/horde/rpc.php/calendars/admin/calendar~[^<]+/)</d:href>")]
    private static partial Regex CalendarHref();

    /// <summary>A TCP server on the loopback that keeps every line it receives (the site's log server, as rsyslog sends to it).</summary>
    private sealed class LineListener : IDisposable
    {
        private readonly TcpListener listener = new(IPAddress.Loopback, 0);
        private readonly StringBuilder text = new();
        private readonly CancellationTokenSource stop = new();

        public LineListener()
        {
            listener.Start();
            _ = Task.Run(AcceptAsync);
        }

        public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

        public string Text
        {
            get
            {
                lock (text)
                    return text.ToString();
            }
        }

        public void Dispose()
        {
            stop.Cancel();
            listener.Stop();
            stop.Dispose();
        }

        private async Task AcceptAsync()
        {
            try
            {
                while (!stop.IsCancellationRequested)
                {
                    var connection = await listener.AcceptTcpClientAsync(stop.Token);
                    _ = Task.Run(() => ReadAsync(connection));
                }
            }
            catch (Exception error) when (error is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                // stopped
            }
        }

        private async Task ReadAsync(TcpClient connection)
        {
            using (connection)
            {
                var buffer = new byte[8192];
                var stream = connection.GetStream();
                try
                {
                    int read;
                    while ((read = await stream.ReadAsync(buffer, stop.Token)) > 0)
                    {
                        lock (text)
                            text.Append(Encoding.UTF8.GetString(buffer, 0, read));
                    }
                }
                catch (Exception error) when (error is OperationCanceledException or IOException or ObjectDisposedException)
                {
                    // the guest went away or the test ended
                }
            }
        }
    }
}
