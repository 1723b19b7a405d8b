#!/bin/sh
# Horde's database schema: run Horde's migrations (horde, kronolith and the Horde libraries
# they use: alarms, auth, groups, history, locks, perms, prefs, shares, tokens, VFS …).
# They are idempotent; the stamp on the data disk records the Horde packages that last
# migrated this database, so they run on first boot and after an update that brings other
# Horde versions, and not on other boots.
#   horde-schema.sh check   exit 0 when the database is up to date with the packages
#   horde-schema.sh migrate run the migrations, then write the stamp
# Managed by Puppet (kronolith::horde).
set -e
stamp=/var/lib/postgresql/.kronolith-schema-packages
versions() { dpkg-query --showformat='${Package} ${Version}\n' --show 'php-horde*'; }
case "$1" in
  check) versions | cmp -s - "$stamp" ;;
  migrate)
    # Kronolith's migration 18 (categories to tags) needs the content (Rampage) tables, and
    # horde-db-migrate goes by name (kronolith before content) and by default carries on
    # after an error with exit status 0: content first, and stop at the first error.
    migrate() { /usr/bin/php -d error_reporting=24575 -d display_errors=stderr /usr/bin/horde-db-migrate --halt-on-error "$@"; }
    migrate content
    migrate
    versions > "$stamp.new" && mv "$stamp.new" "$stamp" ;;
  *) echo "usage: $0 check|migrate" >&2; exit 2 ;;
esac
