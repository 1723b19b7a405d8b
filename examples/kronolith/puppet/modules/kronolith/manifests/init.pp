# Kronolith (Horde's web calendar) on Apache + PHP 8.2 and PostgreSQL 15, from Debian 12.
#
# Runs in two phases ($facts['virt_appliance_phase']):
#   build  in the image's chroot: Apache and PostgreSQL configuration that needs no site
#          value; drop the cluster the postgresql-15 package made (its data must not end up
#          in the pristine data disk image); no service is started or queried.
#   boot   on the VM, with the site's values in $facts['virt_appliance']: initialise the
#          PostgreSQL cluster on the user disk when it has none (first boot), or reuse it
#          (restart, update: a new system disk on the old user disk), Horde's configuration,
#          database schema (migrations, idempotent), admin account, services running, and a
#          "calendar ready" mail when the site gave notify_email.
#
# Parameters are for tests and for sites that declare the class themselves; the appliance
# itself only runs `include kronolith`.
class kronolith (
  Integer[1, 65535] $http_port          = 80,
  Integer[1, 65535] $https_port         = 443,
  String[1]         $listen_address     = '*',
  String[1]         $admin_user         = 'admin',
  String[1]         $db_name            = 'horde',
  String[1]         $db_user            = 'horde',
  String[1]         $pg_version         = '15',
  String[1]         $pg_cluster         = 'main',
) {
  $phase = $facts['virt_appliance_phase'] ? {
    'boot'  => 'boot',
    default => 'build',
  }
  $appliance = $facts['virt_appliance'] ? {
    Hash    => $facts['virt_appliance'],
    default => {},
  }
  $values  = $appliance.dig('values').lest || { {} }
  $secrets = $appliance.dig('secrets').lest || { {} }

  if $phase == 'boot' {
    # Site values (declared in appliance.xml). The builder's boot unit passes them as facts.
    $mail_host = $values['mail_host'] ? {
      String[1] => $values['mail_host'],
      default   => fail('kronolith: the site value mail_host is required'),
    }
    $mail_port = Integer($values.dig('mail_port').lest || { 25 })
    $mail_security = $values.dig('mail_security').lest || { 'none' }
    $mail_from = $values.dig('mail_from').lest || { "calendar@${mail_host}" }
    $notify_email = $values.dig('notify_email').lest || { '' }
    $admin_password = $secrets['admin_password'] ? {
      String[1] => $secrets['admin_password'],
      default   => fail('kronolith: the site secret admin_password is required'),
    }
    $instance_id = $appliance.dig('instance_id').lest || { 'unknown' }
  }

  contain kronolith::php
  contain kronolith::database
  contain kronolith::web
  contain kronolith::tls
  contain kronolith::notify
  Class['kronolith::php'] -> Class['kronolith::web']
  if $phase == 'boot' {
    contain kronolith::horde
    Class['kronolith::php'] -> Class['kronolith::horde']
    Class['kronolith::database'] -> Class['kronolith::horde'] -> Class['kronolith::web'] -> Class['kronolith::notify']
  }
}
