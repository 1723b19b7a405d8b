# PHP 8.2 for Horde 5 / Kronolith 4.2 (Debian 12): the include path with the compatibility
# overlay first (see files/php-compat.sh), for Apache's PHP and the command line.
class kronolith::php {
  $libexec = '/usr/share/virt-appliance/kronolith'

  package { ['php-date', 'php8.2-cli', 'libapache2-mod-php8.2']:
    ensure => installed,
  }
  file { ['/usr/share/virt-appliance', $libexec]:
    ensure => directory,
    owner  => 'root',
    group  => 'root',
    mode   => '0755',
  }
  file { "${libexec}/php-compat.sh":
    source => 'puppet:///modules/kronolith/php-compat.sh',
    mode   => '0755',
  }
  exec { 'kronolith: PHP 8 overlay for PEAR Date_Calc':
    command => "${libexec}/php-compat.sh make",
    unless  => "${libexec}/php-compat.sh check",
    path    => ['/usr/bin', '/bin'],
    require => [File["${libexec}/php-compat.sh"], Package['php-date', 'php8.2-cli']],
  }
  file { '/etc/php/8.2/mods-available/kronolith.ini':
    content => "; Managed by Puppet (kronolith::php): PHP 8 compatibility overlay first.\n; priority=90\ninclude_path = \".:${libexec}/php:/usr/share/php\"\n",
    mode    => '0644',
    require => Package['php8.2-cli'],
  }
  exec { 'kronolith: phpenmod kronolith':
    command => '/usr/sbin/phpenmod -v 8.2 kronolith',
    creates => '/etc/php/8.2/apache2/conf.d/90-kronolith.ini',
    require => [File['/etc/php/8.2/mods-available/kronolith.ini'], Package['libapache2-mod-php8.2']],
  }
}
