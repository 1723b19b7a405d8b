# PostgreSQL 15 with its data on the user disk (/var/lib/postgresql is that disk's mount
# point). The cluster's configuration (/etc/postgresql/15/main) lives on the system disk and
# comes from these templates in both phases, so a fresh system disk after an update finds
# its configuration whatever the user disk holds. The data directory is created on first
# boot only (initdb when PG_VERSION is missing), never at build time.
class kronolith::database {
  $phase    = $kronolith::phase
  $ver      = $kronolith::pg_version
  $cluster  = $kronolith::pg_cluster
  $confdir  = "/etc/postgresql/${ver}/${cluster}"
  $datadir  = "/var/lib/postgresql/${ver}/${cluster}"
  $bindir   = "/usr/lib/postgresql/${ver}/bin"
  $db_name  = $kronolith::db_name
  $db_user  = $kronolith::db_user

  package { ["postgresql-${ver}", 'postgresql-common']:
    ensure => installed,
  }

  if $phase == 'build' {
    # The package's postinst made a cluster (config in /etc, data under /var/lib/postgresql).
    # Its data must not land in the data disk image: every VM initialises its own.
    exec { 'kronolith: drop the cluster the package made':
      command => "/usr/bin/pg_dropcluster ${ver} ${cluster}",
      onlyif  => "/usr/bin/test -e ${datadir}/PG_VERSION",
      require => Package["postgresql-${ver}"],
      before  => File[$confdir],
    }
    # pg_dropcluster leaves a cluster's data directory behind when it has no config any more.
    exec { 'kronolith: no cluster data in the image':
      command => "/bin/rm -rf ${datadir}",
      onlyif  => "/usr/bin/test -e ${datadir}",
      require => Exec['kronolith: drop the cluster the package made'],
    }
  }

  file { ["/etc/postgresql/${ver}", $confdir, "${confdir}/conf.d"]:
    ensure  => directory,
    owner   => 'postgres',
    group   => 'postgres',
    mode    => '0755',
    require => Package["postgresql-${ver}"],
  }
  $conf_params = {
    'version' => $ver,
    'cluster' => $cluster,
    'db_name' => $db_name,
    'db_user' => $db_user,
  }
  file {
    default:
      owner   => 'postgres',
      group   => 'postgres',
      mode    => '0644',
      require => File[$confdir];
    "${confdir}/postgresql.conf":
      content => epp('kronolith/postgresql/postgresql.conf.epp', $conf_params);
    "${confdir}/pg_hba.conf":
      content => epp('kronolith/postgresql/pg_hba.conf.epp', $conf_params),
      mode    => '0640';
    "${confdir}/pg_ident.conf":
      content => epp('kronolith/postgresql/pg_ident.conf.epp', $conf_params),
      mode    => '0640';
    "${confdir}/start.conf":
      content => "auto\n";
    "${confdir}/pg_ctl.conf":
      content => "pg_ctl_options = ''\n";
    "${confdir}/environment":
      content => "\n";
  }

  # The data disk's mount point and the version folder belong to postgres (a user disk
  # made empty by the tool has a root-owned file system root).
  file { ['/var/lib/postgresql', "/var/lib/postgresql/${ver}"]:
    ensure  => directory,
    owner   => 'postgres',
    group   => 'postgres',
    mode    => '0755',
    require => Package["postgresql-${ver}"],
  }

  if $phase == 'boot' {
    file { '/var/run/postgresql':
      ensure => directory,
      owner  => 'postgres',
      group  => 'postgres',
      mode   => '2775',
    }
    # First boot: no cluster on the user disk yet. Later boots and updates: keep it.
    exec { 'kronolith: initdb on the user disk':
      command => "${bindir}/initdb --pgdata=${datadir} --encoding=UTF8 --locale=C.UTF-8 --auth-local=peer --auth-host=scram-sha-256",
      creates => "${datadir}/PG_VERSION",
      user    => 'postgres',
      group   => 'postgres',
      cwd     => '/var/lib/postgresql',
      require => File["/var/lib/postgresql/${ver}"],
      before  => Service["postgresql@${ver}-${cluster}"],
    }
    # Enabled here, not by the kickstart: started by systemd before this ran, the calendar
    # would answer unconfigured. PostgreSQL listens on its Unix socket only.
    service { "postgresql@${ver}-${cluster}":
      ensure    => running,
      enable    => true,
      subscribe => File["${confdir}/postgresql.conf", "${confdir}/pg_hba.conf", "${confdir}/pg_ident.conf"],
      require   => File['/var/run/postgresql', "${confdir}/start.conf", "${confdir}/pg_ctl.conf", "${confdir}/environment"],
    }
    $psql = "/usr/bin/psql --no-psqlrc --quiet --tuples-only --no-align --dbname=postgres"
    exec { "kronolith: database role ${db_user}":
      command => "/usr/bin/createuser --no-superuser --no-createdb --no-createrole ${db_user}",
      unless  => "${psql} --command=\"SELECT 1 FROM pg_roles WHERE rolname = '${db_user}'\" | /bin/grep -q 1",
      user    => 'postgres',
      cwd     => '/var/lib/postgresql',
      require => Service["postgresql@${ver}-${cluster}"],
    }
    -> exec { "kronolith: database ${db_name}":
      command => "/usr/bin/createdb --owner=${db_user} --encoding=UTF8 --template=template0 ${db_name}",
      unless  => "${psql} --command=\"SELECT 1 FROM pg_database WHERE datname = '${db_name}'\" | /bin/grep -q 1",
      user    => 'postgres',
      cwd     => '/var/lib/postgresql',
    }
  }
}
