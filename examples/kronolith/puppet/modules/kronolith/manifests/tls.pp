# The HTTPS side: a certificate and key for Apache and a virtual host on the HTTPS port.
# Default: ssl-cert's "snakeoil" self-signed pair, made on the VM at first boot (the build
# removes the pair the package made, so VMs never share a private key).
#
# A site replaces the certificate with an override class (see site/tls in the example):
#   class tls inherits kronolith::tls {
#     File['/etc/ssl/certs/kronolith.pem']  { source => 'puppet:///modules/tls/kronolith.pem' }
#     File['/etc/ssl/private/kronolith.key'] { source => 'puppet:///modules/tls/kronolith.key' }
#   }
# The two File resources exist in the boot phase only (site classes are applied at boot).
class kronolith::tls (
  String[1] $cert = '/etc/ssl/certs/kronolith.pem',
  String[1] $key  = '/etc/ssl/private/kronolith.key',
) {
  include kronolith
  $phase = $facts['virt_appliance_phase'] ? {
    'boot'  => 'boot',
    default => 'build',
  }

  package { 'ssl-cert':
    ensure => installed,
  }

  file { '/etc/apache2/sites-available/kronolith-ssl.conf':
    content => epp('kronolith/apache/kronolith-ssl.conf.epp', {
      'https_port' => $kronolith::https_port,
      'cert'       => $cert,
      'key'        => $key,
    }),
    require => Package['apache2'],
  }
  file { '/etc/apache2/sites-enabled/kronolith-ssl.conf':
    ensure => link,
    target => '../sites-available/kronolith-ssl.conf',
  }

  if $phase == 'build' {
    file { ['/etc/ssl/certs/ssl-cert-snakeoil.pem', '/etc/ssl/private/ssl-cert-snakeoil.key', $cert, $key]:
      ensure  => absent,
      require => Package['ssl-cert'],
    }
  } else {
    exec { 'kronolith: snakeoil certificate for this VM':
      command => '/usr/sbin/make-ssl-cert generate-default-snakeoil --force-overwrite',
      creates => '/etc/ssl/private/ssl-cert-snakeoil.key',
      require => Package['ssl-cert'],
    }
    file { $cert:
      source  => 'file:///etc/ssl/certs/ssl-cert-snakeoil.pem',
      owner   => 'root',
      group   => 'root',
      mode    => '0644',
      require => Exec['kronolith: snakeoil certificate for this VM'],
    }
    file { $key:
      source  => 'file:///etc/ssl/private/ssl-cert-snakeoil.key',
      owner   => 'root',
      group   => 'ssl-cert',
      mode    => '0640',
      require => Exec['kronolith: snakeoil certificate for this VM'],
    }
  }
}
