<?php
/**
 * Creates Horde's administrator account or sets its password (SQL authentication driver).
 *   php horde-admin.php set    create the user or update its password
 *   php horde-admin.php check  exit 0 when the user exists and the password matches
 * The user name and password come from the environment (HORDE_ADMIN_USER,
 * HORDE_ADMIN_PASSWORD), never from the command line.
 * Managed by Puppet (kronolith::horde).
 */
require_once '/usr/share/horde/lib/Application.php';
Horde_Registry::appInit('horde', array('cli' => true, 'user_admin' => true));

$user = getenv('HORDE_ADMIN_USER');
$password = getenv('HORDE_ADMIN_PASSWORD');
if (!strlen($user) || !strlen($password)) {
    fwrite(STDERR, "HORDE_ADMIN_USER and HORDE_ADMIN_PASSWORD must be set\n");
    exit(2);
}
$auth = $injector->getInstance('Horde_Core_Factory_Auth')->create();
$mode = isset($argv[1]) ? $argv[1] : 'set';

try {
    $exists = $auth->exists($user);
    if ($mode === 'check') {
        exit($exists && $auth->authenticate($user, array('password' => $password), false) ? 0 : 1);
    }
    if ($exists) {
        $auth->updateUser($user, $user, array('password' => $password));
        echo "updated the password of $user\n";
    } else {
        $auth->addUser($user, array('password' => $password));
        echo "created $user\n";
    }
} catch (Exception $e) {
    fwrite(STDERR, 'horde-admin: ' . $e->getMessage() . "\n");
    exit(1);
}
