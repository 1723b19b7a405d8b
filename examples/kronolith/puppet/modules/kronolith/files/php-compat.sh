#!/bin/sh
# PHP 8 compatibility overlay for PEAR Date_Calc (Debian 12's php-date 1.4.7).
# Kronolith 4.2.29 calls Date_Calc::weeksInMonth(), ::dateDiff(), ::beginOfWeek(),
# ::weekOfYear() statically (month, year, day/week views, multi-day events, free/busy), but
# php-date 1.4.7 declares them as plain (PHP 4 style) methods: PHP 8 refuses with
# "Error: Non-static method Date_Calc::weeksInMonth() cannot be called statically".
# None of Date_Calc's methods uses $this, so declaring them static is exact. The copy lives
# outside Debian's files (dpkg --verify stays clean) and is put first on PHP's include_path
# by kronolith-php.ini; it is remade whenever php-date changes.
#   php-compat.sh check   exit 0 when the overlay matches the installed php-date
#   php-compat.sh make    (re)make the overlay
# Managed by Puppet (kronolith::php).
set -e
src=/usr/share/php/Date/Calc.php
dir=/usr/share/virt-appliance/kronolith/php/Date
overlay() { sed -e 's/^    function /    static function /' "$src"; }
case "$1" in
  check) overlay | cmp -s - "$dir/Calc.php" ;;
  make)
    mkdir -p "$dir"
    overlay > "$dir/Calc.php.new"
    php -l "$dir/Calc.php.new" >/dev/null
    mv "$dir/Calc.php.new" "$dir/Calc.php" ;;
  *) echo "usage: $0 check|make" >&2; exit 2 ;;
esac
