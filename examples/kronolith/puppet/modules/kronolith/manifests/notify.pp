# "Calendar ready": one mail per configuration (instance id) through Horde's own mailer —
# the transport, server and port Kronolith uses for invitations and reminders — when the
# site gave notify_email. A unit of its own (kronolith-notify.service, after
# network-online.target) sends it: the boot phase may run before the network is up, and a
# mail server that is down must not keep the calendar from starting.
class kronolith::notify {
  $libexec = '/usr/share/virt-appliance/kronolith'

  file { "${libexec}/notify.php":
    source => 'puppet:///modules/kronolith/notify.php',
    mode   => '0644',
  }
  file { "${libexec}/notify.sh":
    source => 'puppet:///modules/kronolith/notify.sh',
    mode   => '0755',
  }
  file { '/etc/systemd/system/kronolith-notify.service':
    source => 'puppet:///modules/kronolith/kronolith-notify.service',
    mode   => '0644',
  }
  # Enabled the way `systemctl enable` does it, which also works in the build's chroot.
  file { '/etc/systemd/system/multi-user.target.wants/kronolith-notify.service':
    ensure => link,
    target => '/etc/systemd/system/kronolith-notify.service',
  }

  if $kronolith::phase == 'boot' {
    $notify_email = $kronolith::notify_email
    $instance_id  = $kronolith::instance_id
    if $notify_email == '' {
      file { '/etc/default/kronolith-notify':
        ensure => absent,
      }
    } else {
      file { '/etc/default/kronolith-notify':
        content => join([
          '# Managed by Puppet (kronolith::notify)',
          "KRONOLITH_NOTIFY_TO=${shellquote($notify_email)}",
          "KRONOLITH_NOTIFY_FROM=${shellquote($kronolith::mail_from)}",
          "KRONOLITH_INSTANCE_ID=${shellquote($instance_id)}",
          '',
        ], "\n"),
        mode    => '0644',
      }
      # This boot: queue the unit (it waits for the network; --no-block: do not wait here).
      exec { 'kronolith: queue the calendar ready mail':
        command => '/bin/systemctl start --no-block kronolith-notify.service',
        creates => "/var/lib/virt-appliance-kronolith/notified-${instance_id}",
        require => File['/etc/default/kronolith-notify', "${libexec}/notify.sh", "${libexec}/notify.php",
          '/etc/systemd/system/kronolith-notify.service', '/var/lib/virt-appliance-kronolith'],
      }
    }
  }
}
