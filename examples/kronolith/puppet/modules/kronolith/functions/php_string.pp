# A PHP single-quoted string literal holding $value (escapes \ and ').
function kronolith::php_string(String $value) >> String {
  $escaped = regsubst($value, '([\\\\\'])', '\\\\\\1', 'G')
  "'${escaped}'"
}
