# A site ADDITION: send all of the appliance's syslog (Horde's log, Apache, PostgreSQL,
# the kernel …) to the site's central log server, with rsyslog (installed in the appliance).
#   host      the log server (name or address)
#   port      its port (514 by default)
#   protocol  tcp (RFC 6587 framing, rsyslog's "@@") or udp ("@")
# Their values are this module's data (data/common.yaml), so a site adds the class by name
# (`include syslog_forward`); a site that declares classes itself can pass them as parameters.
class syslog_forward (
  String[1]           $host,
  Integer[1, 65535]   $port     = 514,
  Enum['tcp', 'udp']  $protocol = 'tcp',
) {
  file { '/etc/rsyslog.d/90-forward.conf':
    content => epp('syslog_forward/forward.conf.epp', {
      'host'     => $host,
      'port'     => $port,
      'protocol' => $protocol,
    }),
    owner   => 'root',
    group   => 'root',
    mode    => '0644',
  }
  if $facts['virt_appliance_phase'] == 'boot' {
    service { 'rsyslog':
      ensure    => running,
      enable    => true,
      subscribe => File['/etc/rsyslog.d/90-forward.conf'],
    }
  }
}
