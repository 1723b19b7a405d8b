# Horde and Kronolith: configuration from the site's values, the database schema, the
# admin account and the alarm cron job. Boot phase only (it needs the site's values and a
# running PostgreSQL).
class kronolith::horde {
  $db_user      = $kronolith::db_user
  $db_name      = $kronolith::db_name
  $admin_user   = $kronolith::admin_user
  $mail_host    = $kronolith::mail_host
  $instance_id  = $kronolith::instance_id
  $libexec      = '/usr/share/virt-appliance/kronolith'
  # PHP 8.2 prints deprecation notices for Horde 5 on every CLI call; keep them out of logs.
  $php          = '/usr/bin/php -d error_reporting=24575 -d display_errors=stderr'

  package { ['php-horde', 'php-horde-kronolith', 'php-pgsql']:
    ensure => installed,
  }

  # Horde's secret (cookies, tokens): per VM, stable across restarts, not in the image.
  $secret_key = sha256("kronolith-${instance_id}-${kronolith::admin_password}")[0, 32]
  $mail_secure = $kronolith::mail_security ? {
    'starttls' => "'tls'",
    'ssl'      => "'ssl'",
    default    => 'false',
  }
  $mail_domain = regsubst($kronolith::mail_from, '^.*@', '')

  file { '/etc/horde/horde/conf.php':
    content => epp('kronolith/horde/conf.php.epp', {
      'secret_key'  => $secret_key,
      'db_user'     => $db_user,
      'db_name'     => $db_name,
      'admin_user'  => $admin_user,
      'mail_host'   => $mail_host,
      'mail_port'   => $kronolith::mail_port,
      'mail_secure' => $mail_secure,
      'mail_from'   => $kronolith::mail_from,
      'mail_domain' => $mail_domain,
    }),
    owner   => 'root',
    group   => 'www-data',
    mode    => '0640',
    require => Package['php-horde'],
  }
  file { '/etc/horde/kronolith/conf.php':
    content => epp('kronolith/horde/kronolith-conf.php.epp'),
    owner   => 'root',
    group   => 'www-data',
    mode    => '0640',
    require => Package['php-horde-kronolith'],
  }

  file { '/var/lib/virt-appliance-kronolith':
    ensure => directory,
    owner  => 'root',
    group  => 'root',
    mode   => '0755',
  }
  file { "${libexec}/horde-admin.php":
    source => 'puppet:///modules/kronolith/horde-admin.php',
    mode   => '0644',
  }

  file { "${libexec}/horde-schema.sh":
    source => 'puppet:///modules/kronolith/horde-schema.sh',
    mode   => '0755',
  }
  # Schema: Horde's own migrations, when the Horde packages changed (see horde-schema.sh).
  exec { 'kronolith: Horde database migrations':
    command   => "${libexec}/horde-schema.sh migrate",
    unless    => "${libexec}/horde-schema.sh check",
    logoutput => true,
    timeout   => 1200,
    require   => File['/etc/horde/horde/conf.php', '/etc/horde/kronolith/conf.php', "${libexec}/horde-schema.sh"],
  }

  $admin_env = ["HORDE_ADMIN_USER=${admin_user}", "HORDE_ADMIN_PASSWORD=${kronolith::admin_password}"]
  exec { 'kronolith: Horde administrator account':
    command     => "${php} ${libexec}/horde-admin.php set",
    unless      => "${php} ${libexec}/horde-admin.php check",
    environment => $admin_env,
    logoutput   => on_failure,
    require     => [Exec['kronolith: Horde database migrations'], File["${libexec}/horde-admin.php"]],
  }

  # Reminders: Horde sends due alarms (event reminders by mail) from this job.
  file { '/etc/cron.d/horde-alarms':
    content => "# Managed by Puppet (kronolith::horde)\n*/5 * * * * www-data /usr/bin/php -d error_reporting=24575 /usr/bin/horde-alarms >/dev/null\n",
    mode    => '0644',
  }
}
