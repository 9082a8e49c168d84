#!/usr/bin/env bash
# Recipe for the TEST ONLY WeChat Pay platform keys in this folder (OpenSSL 3.0).
# Re-running makes new keys: the vectors that use them would then have to be re-signed.
set -euo pipefail
cd "$(dirname "$0")"
work=$(mktemp -d)
cat > "$work/ca.cnf" <<CNF
[ca]
default_ca = test
[test]
dir = $work
database = $work/index.txt
serial = $work/serial
new_certs_dir = $work
default_md = sha256
policy = any
unique_subject = no
copy_extensions = none
[any]
commonName = supplied
organizationName = optional
organizationalUnitName = optional
countryName = optional
[leaf]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,nonRepudiation,keyEncipherment,dataEncipherment
CNF
: > "$work/index.txt"
openssl genrsa -out test-root-ca-key.pem 2048
openssl req -new -x509 -key test-root-ca-key.pem -days 36500 -set_serial 1 \
  -subj "/C=CN/O=chop test/OU=chop test CA Center/CN=chop test-only Root CA" -out test-root-ca.pem
for name in old new pubkey; do openssl genrsa -out platform-$name-key.pem 2048; done
# old: valid 2021-12-01 .. 2026-12-01 (expiring); new: 2026-06-01 .. 2031-06-01, serial with a leading zero nibble.
issue() { # name serial start end
  openssl req -new -key platform-$1-key.pem -subj "/C=CN/O=chop test/OU=chop test CA Center/CN=chop test platform $1" -out "$work/$1.csr"
  echo "$2" > "$work/serial"
  openssl ca -batch -config "$work/ca.cnf" -cert test-root-ca.pem -keyfile test-root-ca-key.pem \
    -extensions leaf -startdate "$3" -enddate "$4" -in "$work/$1.csr" -out "$work/$1.pem" -notext
  openssl x509 -in "$work/$1.pem" -out platform-$1-cert.pem
}
issue old 5157F09EFDC096DE15EBE81A47057A7232F1B8E1 20211201000000Z 20261201000000Z
issue new 0A2B3C4D5E6F708192A3B4C5D6E7F80910213243 20260601000000Z 20310601000000Z
openssl rsa -in platform-pubkey-key.pem -pubout -out platform-pubkey-pub.pem
rm -rf "$work"
# A root with Tenpay's subject name but another key (its private key is thrown away):
# a certificate issued by the real Tenpay root must not chain to it.
openssl req -new -x509 -newkey rsa:2048 -nodes -keyout /dev/null \
  -subj "/C=CN/O=Tenpay.com/OU=Tenpay.com CA Center/CN=Tenpay.com Root CA" -days 36500 -out fake-tenpay-root.pem
