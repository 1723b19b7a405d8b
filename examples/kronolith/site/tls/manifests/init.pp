# A site OVERRIDE: this site's own certificate for the calendar's HTTPS side instead of the
# appliance's self-signed default. Puppet class inheritance lets the child class change
# attributes of resources the appliance's class (kronolith::tls) declares; the appliance's
# module is not touched and the override is applied again after every update.
#
# The certificate and key are files of this site module (files/kronolith.pem, .key). The ones
# in the example are a self-signed pair for calendar.example.org, for testing only: replace
# them with your own.
class tls inherits kronolith::tls {
  File['/etc/ssl/certs/kronolith.pem'] {
    source => 'puppet:///modules/tls/kronolith.pem',
  }
  File['/etc/ssl/private/kronolith.key'] {
    source => 'puppet:///modules/tls/kronolith.key',
  }
}
