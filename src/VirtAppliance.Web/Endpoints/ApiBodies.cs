namespace VirtAppliance.Web.Endpoints;

/// <summary>POST /api/v1/vms: what deploy takes on the command line. <paramref name="Values"/> are the site values (NAME: VALUE).</summary>
/// <param name="Appliance">An installed NAME[@VERSION[-RELEASE]].</param>
/// <param name="Publish">Host ports, podman's [ADDRESS:]HOSTPORT:GUESTPORT[/tcp].</param>
/// <param name="ReuseKept">User disks and values an undeploy kept: a folder under ROOT/kept, or the undeployed VM's name.</param>
/// <param name="VirtType">Force the domain type (kvm, qemu …), as --virt-type.</param>
/// <param name="Boot">Use this boot of the descriptor, as --boot.</param>
public sealed record DeployBody(
    string Appliance,
    string Name,
    int Count = 1,
    string Network = "user",
    bool Start = true,
    IReadOnlyList<string>? Publish = null,
    IReadOnlyDictionary<string, string>? Values = null,
    int Parallel = 4,
    string? ReuseKept = null,
    string? VirtType = null,
    int? Boot = null);

/// <summary>POST /api/v1/vms/{name}/start: <paramref name="Wait"/> for the appliance's health check (start's default).</summary>
public sealed record StartBody(bool Wait = true);

/// <summary>POST /api/v1/vms/{name}/stop and the options of verbs that stop a VM: --force, --timeout.</summary>
public sealed record StopBody(bool Force = false, int? TimeoutSeconds = null);

/// <summary>POST /api/v1/vms/{name}/update: --to and --set.</summary>
public sealed record UpdateBody(string? To = null, IReadOnlyDictionary<string, string>? Values = null, bool Force = false, int? TimeoutSeconds = null);

/// <summary>POST /api/v1/vms/{name}/config: config set (<paramref name="Set"/>) and unset (<paramref name="Unset"/>); they wait for apply.</summary>
public sealed record ConfigBody(IReadOnlyDictionary<string, string>? Set = null, IReadOnlyList<string>? Unset = null);

/// <summary>POST /api/v1/vms/{name}/config/apply: <paramref name="Restart"/> a running VM (apply's default; --no-restart is false).</summary>
public sealed record ApplyBody(bool Restart = true, bool Force = false, int? TimeoutSeconds = null);

/// <summary>POST /api/v1/appliances: install a package file that is on the server's host, or NAME[@VERSION] from the remotes (--channel).</summary>
public sealed record InstallBody(string Package, bool AllowUnsigned = false, string? Channel = null);

/// <summary>POST /api/v1/vms/{name}/thresholds/{disk}: config threshold's --warning, --critical (percent) and --reset.</summary>
public sealed record ThresholdBody(int? Warning = null, int? Critical = null, bool Reset = false);

/// <summary>POST /api/v1/vms/{name}/disks/{disk}/grow: grow's SIZE ("20G", or "+5G" to add) and --force (a disk that is not a user disk).</summary>
public sealed record GrowBody(string Size, bool Force = false);

/// <summary>POST /api/v1/appliances/{name}/update-all: update --all NAME with --to, --set, --parallel, --allow-downgrade.</summary>
public sealed record UpdateAllBody(string? To = null, IReadOnlyDictionary<string, string>? Values = null, int Parallel = 2, bool AllowDowngrade = false, bool Force = false,
    int? TimeoutSeconds = null);

/// <summary>POST /api/v1/vms/{name}/config/puppet: config VM puppet add MODULE_DIR (a folder on the server's host) with --class and --kind.</summary>
public sealed record PuppetAddBody(string Folder, IReadOnlyList<string>? Classes = null, string? Kind = null);

/// <summary>POST /api/v1/trust: the armored OpenPGP public key (what trust add reads from KEY.asc).</summary>
public sealed record TrustBody(string Key);

/// <summary>POST /api/v1/notify/email: notify add email NAME; the password is the --password-file's first line. It is never answered back.</summary>
public sealed record EmailChannelBody(string Name, string Host, string From, IReadOnlyList<string> To, int Port = 587, string Tls = "auto", string? User = null, string? Password = null);

/// <summary>POST /api/v1/notify/webhook: notify add webhook NAME URL; headers as --header-file's lines. They are never answered back.</summary>
public sealed record WebhookChannelBody(string Name, string Url, IReadOnlyDictionary<string, string>? Headers = null, int Attempts = 5, double Backoff = 2);

/// <summary>POST /api/v1/remotes: remote add NAME URL with the root public key's armored text (--key) or its fingerprint (--fingerprint).</summary>
public sealed record RemoteBody(string Name, string Url, string? Key = null, string? Fingerprint = null);
