# Keycloak for the tests, without Docker: the keycloak-quarkus-dist distribution
# from Maven Central (fetched with Maven, cached in ~/.m2), unpacked under target/,
# started in dev mode with an in-memory database on free ports.
#
# SOURCED by scripts/test.sh (set -euo pipefail): it defines only kc_-prefixed
# names, exports RATIBA_TEST_KEYCLOAK_URL / RATIBA_TEST_KEYCLOAK_PASSWORD and
# appends its stop command to CLEANUP. Without Java or Maven it fails under CI=true
# and warns otherwise (the Keycloak tests then say why they skip).
#
# Knobs: RATIBA_KEYCLOAK_VERSION (default 26.7.3), RATIBA_KEYCLOAK_WAIT (seconds, default 180).

kc_version="${RATIBA_KEYCLOAK_VERSION:-26.7.3}"
kc_wait="${RATIBA_KEYCLOAK_WAIT:-180}"
kc_root="$PWD/target/keycloak"
kc_home="$kc_root/keycloak-$kc_version"

kc_fail() {
    echo "keycloak: $*" >&2
    if [ "${CI:-}" = "true" ]; then
        return 1
    fi
    echo "keycloak: not started; the Keycloak tests will skip (they fail under CI=true)" >&2
    return 0
}

# A Java that this Keycloak supports (17 or 21; 25 only from later releases).
kc_java_home() {
    local java major want
    for want in 21 17; do
        for java in /usr/lib/jvm/*/bin/java; do
            [ -x "$java" ] || continue
            major="$("$java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n1)"
            if [ "$major" = "$want" ]; then
                dirname "$(dirname "$java")"
                return 0
            fi
        done
    done
    return 1
}

kc_free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

kc_start() {
    local java_home http_port mgmt_port password log pid deadline started
    if ! java_home="$(kc_java_home)"; then
        kc_fail "no Java 17 or 21 under /usr/lib/jvm (apt-get install openjdk-17-jre-headless)"
        return
    fi
    if [ ! -x "$kc_home/bin/kc.sh" ]; then
        if ! command -v mvn >/dev/null; then
            kc_fail "mvn not found (apt-get install maven)"
            return
        fi
        mkdir -p "$kc_root/dist"
        echo "keycloak: fetching org.keycloak:keycloak-quarkus-dist:$kc_version (cached in ~/.m2)"
        if ! mvn -q -B dependency:copy \
            -Dartifact="org.keycloak:keycloak-quarkus-dist:$kc_version:tar.gz" \
            -DoutputDirectory="$kc_root/dist" >"$kc_root/mvn.log" 2>&1; then
            cat "$kc_root/mvn.log" >&2
            kc_fail "could not fetch the Keycloak distribution"
            return
        fi
        tar -xzf "$kc_root/dist/keycloak-quarkus-dist-$kc_version.tar.gz" -C "$kc_root"
    fi
    http_port="$(kc_free_port)"
    mgmt_port="$(kc_free_port)"
    password="kc-test-$RANDOM$RANDOM"
    log="$kc_root/keycloak.log"
    echo "keycloak: starting $kc_version on 127.0.0.1:$http_port (JAVA_HOME=$java_home, log $log)"
    # setsid: its own process group, so the stop command ends kc.sh and its java.
    JAVA_HOME="$java_home" \
        KC_BOOTSTRAP_ADMIN_USERNAME=admin \
        KC_BOOTSTRAP_ADMIN_PASSWORD="$password" \
        setsid "$kc_home/bin/kc.sh" start-dev \
        --db=dev-mem \
        --http-host=127.0.0.1 \
        --http-port="$http_port" \
        --http-management-port="$mgmt_port" \
        --health-enabled=true \
        --cache=local \
        >"$log" 2>&1 </dev/null &
    pid=$!
    CLEANUP+=("kill -TERM -- -$pid 2>/dev/null; for _ in \$(seq 1 40); do kill -0 $pid 2>/dev/null || break; sleep 0.25; done; kill -KILL -- -$pid 2>/dev/null")

    started=$SECONDS
    deadline=$((SECONDS + kc_wait))
    until curl -fsS "http://127.0.0.1:$mgmt_port/health/ready" >/dev/null 2>&1; do
        if ! kill -0 "$pid" 2>/dev/null; then
            tail -n 40 "$log" >&2
            kc_fail "Keycloak exited during start-up"
            return
        fi
        if [ "$SECONDS" -ge "$deadline" ]; then
            tail -n 40 "$log" >&2
            kc_fail "Keycloak not ready after ${kc_wait}s"
            return
        fi
        sleep 1
    done
    echo "keycloak: ready after $((SECONDS - started))s"
    export RATIBA_TEST_KEYCLOAK_URL="http://127.0.0.1:$http_port"
    export RATIBA_TEST_KEYCLOAK_PASSWORD="$password"
}

kc_start
