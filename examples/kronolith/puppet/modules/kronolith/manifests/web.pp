# Apache 2.4 with mod_php 8.2 serving Horde at /horde/ (Debian's php-horde.conf alias);
# the site root redirects there. The HTTPS side is kronolith::tls.
class kronolith::web {
  $phase = $kronolith::phase

  package { ['apache2', 'libapache2-mod-php']:
    ensure => installed,
  }

  ['php8.2', 'ssl', 'socache_shmcb', 'rewrite'].each |$mod| {
    exec { "kronolith: a2enmod ${mod}":
      command => "/usr/sbin/a2enmod -q ${mod}",
      creates => "/etc/apache2/mods-enabled/${mod}.load",
      require => Package['apache2', 'libapache2-mod-php'],
    }
  }
  exec { 'kronolith: a2enconf php-horde':
    command => '/usr/sbin/a2enconf -q php-horde',
    creates => '/etc/apache2/conf-enabled/php-horde.conf',
    require => Package['apache2'],
  }

  file { '/etc/apache2/ports.conf':
    content => epp('kronolith/apache/ports.conf.epp', {
      'listen_address' => $kronolith::listen_address,
      'http_port'      => $kronolith::http_port,
      'https_port'     => $kronolith::https_port,
    }),
    require => Package['apache2'],
  }
  file { '/etc/apache2/sites-available/kronolith.conf':
    content => epp('kronolith/apache/kronolith.conf.epp', { 'http_port' => $kronolith::http_port }),
    require => Package['apache2'],
  }
  file { '/etc/apache2/sites-enabled/kronolith.conf':
    ensure => link,
    target => '../sites-available/kronolith.conf',
  }
  file { '/etc/apache2/sites-enabled/000-default.conf':
    ensure  => absent,
    require => Package['apache2'],
  }

  if $phase == 'boot' {
    # Enabled and started only now, configured: port 80 open means the calendar answers.
    service { 'apache2':
      ensure    => running,
      enable    => true,
      subscribe => [
        File['/etc/apache2/ports.conf', '/etc/apache2/sites-available/kronolith.conf',
          '/etc/apache2/sites-enabled/kronolith.conf', '/etc/apache2/sites-enabled/000-default.conf'],
        Exec['kronolith: a2enmod php8.2', 'kronolith: a2enmod ssl', 'kronolith: a2enconf php-horde'],
        Class['kronolith::tls'],  # the certificate, key and HTTPS virtual host
        Class['kronolith::php'],  # PHP's include path (compatibility overlay)
      ],
    }
    service { 'cron':
      ensure => running,
      enable => true,
    }
  }
}
