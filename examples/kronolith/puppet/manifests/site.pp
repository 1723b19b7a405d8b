# The node manifest of the Kronolith appliance. virt-appliance runs it twice:
#   at build time in the image's chroot (FACTER_virt_appliance_phase=build), and
#   on the VM at every boot whose configuration changed (FACTER_virt_appliance_phase=boot),
#   after the site's values were written to /etc/facter/facts.d/virt_appliance.json.
# A site's override and addition classes (site/tls, site/syslog_forward) are declared
# beside this one by the boot phase; they are not part of the appliance.
node default {
  include kronolith
}
