#!/bin/sh
# Writes a bulk CSV of N rows, in Entra's template, to stdout:
#   docs/bench/bulk-csv.sh create 100000 > big.csv   # members of contoso.example, no password
#   docs/bench/bulk-csv.sh create-pw 1000 > pw.csv   # the same, each with an initial password
#   docs/bench/bulk-csv.sh invite 100000 > inv.csv   # guests from partner.example, no e-mail
set -eu
kind=${1:?create, create-pw or invite}
n=${2:?number of rows}
echo "version:v1.0"
case $kind in
create | create-pw)
	echo "Name [displayName] Required,User name [userPrincipalName] Required,Initial password [passwordProfile] Required,Block sign in (Yes/No) [accountEnabled] Required"
	pw=""
	[ "$kind" = create-pw ] && pw="Bulk-password-"
	awk -v n="$n" -v pw="$pw" 'BEGIN { for (i = 1; i <= n; i++) printf "User %d,user%06d@contoso.example,%s,No\n", i, i, (pw == "" ? "" : pw i) }'
	;;
invite)
	echo "Email address to invite [inviteeEmail] Required,Redirection url [inviteRedirectURL] Required,Send invitation message (true or false) [sendEmail],Customized invitation message [customizedMessageBody]"
	awk -v n="$n" 'BEGIN { for (i = 1; i <= n; i++) printf "guest%06d@partner.example,https://apps.contoso.example/,false,\n", i }'
	;;
*)
	echo "unknown kind $kind" >&2
	exit 2
	;;
esac
