# Sourced (POSIX sh) by ./mvnw, ./jclip and .ci/run: sets JAVA_HOME to a JDK 25 or newer, which jclip
# needs (the Vector API) for Maven, javac, the tests and the launcher alike. Taken from JAVA_HOME,
# else the java on PATH, else the first under /usr/lib/jvm, ~/.sdkman or /Library/Java; without one it
# says how to get one and exits.
jclip_jdk_major() {
  "$1/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n 1
}

jclip_jdk_ok() {
  [ -n "$1" ] && [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] && [ "$(jclip_jdk_major "$1")" -ge 25 ] 2>/dev/null
}

if ! jclip_jdk_ok "${JAVA_HOME:-}"; then
  jclip_jdk=
  jclip_java="$(command -v java 2>/dev/null || true)"
  if [ -n "$jclip_java" ]; then
    jclip_java="$(readlink -f "$jclip_java" 2>/dev/null || echo "$jclip_java")"
    jclip_jdk_ok "${jclip_java%/bin/java}" && jclip_jdk="${jclip_java%/bin/java}"
  fi
  case $- in *f*) jclip_noglob=1; set +f ;; *) jclip_noglob= ;; esac
  for jclip_candidate in /usr/lib/jvm/* "${HOME:-}"/.sdkman/candidates/java/* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    [ -z "$jclip_jdk" ] && jclip_jdk_ok "$jclip_candidate" && jclip_jdk="$jclip_candidate"
  done
  [ -z "$jclip_noglob" ] || set -f
  if [ -z "$jclip_jdk" ]; then
    echo "jclip needs a JDK 25 or newer (for the Vector API), and none was found in JAVA_HOME, on PATH," >&2
    echo "under /usr/lib/jvm, ~/.sdkman or /Library/Java. Install one (for example Temurin 25) and set JAVA_HOME to it." >&2
    exit 1
  fi
  JAVA_HOME="$jclip_jdk"
  unset jclip_jdk jclip_java jclip_candidate jclip_noglob
fi
export JAVA_HOME
