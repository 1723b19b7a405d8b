<?php
/**
 * Sends the "calendar ready" mail through Horde's configured mailer (the same transport,
 * SMTP server and port Kronolith uses for invitations and reminders).
 * Environment: KRONOLITH_NOTIFY_TO, KRONOLITH_NOTIFY_FROM, KRONOLITH_INSTANCE_ID.
 * Managed by Puppet (kronolith::horde).
 */
require_once '/usr/share/horde/lib/Application.php';
Horde_Registry::appInit('horde', array('cli' => true, 'user_admin' => true));

$to = getenv('KRONOLITH_NOTIFY_TO');
$from = getenv('KRONOLITH_NOTIFY_FROM');
$iid = getenv('KRONOLITH_INSTANCE_ID');
$host = php_uname('n');
$url = '/horde/login.php';

try {
    $mail = new Horde_Mime_Mail(array(
        'Subject' => "Kronolith calendar ready on $host",
        'To' => $to,
        'From' => $from,
        'charset' => 'UTF-8',
        'body' => "The Kronolith calendar on $host is configured and running.\n\n"
            . "Instance: $iid\n"
            . "Log in at http://<this appliance>$url as the administrator.\n"
            . "This mail went through Horde's mailer: "
            . $GLOBALS['conf']['mailer']['type'] . ' ' . $GLOBALS['conf']['mailer']['params']['host']
            . ':' . $GLOBALS['conf']['mailer']['params']['port'] . "\n",
    ));
    $mail->addHeader('X-Kronolith-Instance', $iid);
    $mail->send($injector->getInstance('Horde_Mail'));
    echo "kronolith: calendar ready mail sent to $to\n";
} catch (Exception $e) {
    fwrite(STDERR, 'kronolith: the calendar ready mail failed: ' . $e->getMessage() . "\n");
    exit(1);
}
