#!/bin/sh
# kronolith-notify.service: the "calendar ready" mail, once per configuration (instance id),
# sent when the network is up. Settings in /etc/default/kronolith-notify (from Puppet).
# Managed by Puppet (kronolith::notify).
set -e
. /etc/default/kronolith-notify
export KRONOLITH_NOTIFY_TO KRONOLITH_NOTIFY_FROM KRONOLITH_INSTANCE_ID
[ -n "$KRONOLITH_NOTIFY_TO" ] || exit 0
stamp=/var/lib/virt-appliance-kronolith/notified-$KRONOLITH_INSTANCE_ID
[ -e "$stamp" ] && exit 0
/usr/bin/php -d error_reporting=24575 -d display_errors=stderr /usr/share/virt-appliance/kronolith/notify.php
touch "$stamp"
