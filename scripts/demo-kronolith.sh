#!/usr/bin/env bash
# make demo-kronolith: the Kronolith calendar (examples/kronolith) built from its recipe, packed,
# installed into a demo store, deployed with a mail server on this host's loopback, and its
# login page opened. Run as root on a Debian machine (scripts/prereqs.sh installs what it needs).
#   DEMO_DIR (default /var/tmp/virt-appliance-demo-kronolith): the build, the package, the store.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
demo=${DEMO_DIR:-/var/tmp/virt-appliance-demo-kronolith}
vm=${DEMO_VM:-calendar}
smtp_port=${DEMO_SMTP_PORT:-2525}
va() { "$here/virt-appliance" --root "$demo/store" "$@"; }
say() { printf '\n== %s\n' "$*"; }

started=$(date +%s)
mkdir -p "$demo"
chmod 0755 "$demo"

say "1. build examples/kronolith (Debian 12 packages, Puppet; packages cached in /var/cache/virt-appliance)"
va build "$here/examples/kronolith" -o "$demo/kronolith-1.0" --force

say "2. pack and install"
va pack "$demo/kronolith-1.0" -o "$demo/kronolith-1.0.vapp"
va list --json | grep -q '"name": "kronolith"' || va install "$demo/kronolith-1.0.vapp" --allow-unsigned

say "3. a mail server on 127.0.0.1:$smtp_port (the VM reaches it as 10.0.2.2), mail kept in $demo/mail"
mkdir -p "$demo/mail"
if ! (exec 3<>"/dev/tcp/127.0.0.1/$smtp_port") 2>/dev/null; then
  nohup /usr/bin/python3 -m aiosmtpd -n -l "127.0.0.1:$smtp_port" -c aiosmtpd.handlers.Mailbox "$demo/mail" \
    >"$demo/smtp.log" 2>&1 &
  echo "aiosmtpd started (pid $!)"
fi

say "4. deploy $vm (first boot: Puppet initialises PostgreSQL on the user disk; several minutes under TCG)"
if va vms --json | grep -q "\"name\": \"$vm\""; then
  echo "$vm is deployed already"
else
  password=$(head -c 12 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 12)
  umask 077
  printf 'admin_password: %s\n' "$password" >"$demo/admin.yaml"
  umask 022
  va deploy kronolith --name "$vm" --connect qemu:///system --virt-type "${VIRT_APPLIANCE_VIRT_TYPE:-qemu}" \
    --set mail_host=10.0.2.2 --set "mail_port=$smtp_port" --set notify_email=admin@example.org --values "$demo/admin.yaml"
fi

port=$(va vms --json | /usr/bin/python3 -c '
import json, sys
for vm in json.load(sys.stdin):
    if vm["name"] == sys.argv[1]:
        for forward in vm.get("forwards", []):
            if forward.get("guest_port") == 80:
                print(forward["host_port"]); break
' "$vm")
url="http://127.0.0.1:$port/horde/login.php"
say "5. the calendar"
curl -s "$url" | grep -o '<title>[^<]*</title>' || true
echo "login page: $url  (user admin, password in $demo/admin.yaml)"
echo "mail the calendar sent: $demo/mail"
echo "done in $(( $(date +%s) - started )) s"
if [[ -n "${DISPLAY:-}" ]] && command -v xdg-open >/dev/null; then xdg-open "$url" || true; fi
