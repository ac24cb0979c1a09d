package demo

import (
	"fmt"
	"io"
	"strings"

	"github.com/orgdir/orgdir/internal/directory"
)

// Print tells the operator who can sign in and how, loudly saying that the
// passwords are public.
func (d *Demo) Print(w io.Writer, publicURL string) {
	base := strings.TrimRight(publicURL, "/")
	bar := strings.Repeat("=", 76)
	fmt.Fprintf(w, `%s
 orgdir DEMO. These accounts have FIXED, PUBLISHED passwords: anyone who
 reaches this server can sign in as them. Use --demo only to try orgdir,
 never with real data or on a network that others can reach.
%s
Sign in at %s/

  Contoso administrator (Global Administrator of %s)
      user %-34s password %s
  Fabrikam administrator (Global Administrator of %s)
      user %-34s password %s
  Ada Lovelace, a member of Fabrikam
      user %-34s password %s
`, bar, bar, base,
		d.Contoso.InitialDomain, d.ContosoAdmin.UserPrincipalName, ContosoAdminPass,
		d.Fabrikam.InitialDomain, d.FabrikamAdmin.UserPrincipalName, FabrikamAdminPass,
		d.Ada.UserPrincipalName, AdaPassword)
	switch {
	case d.AdaGuest.Deleted():
		fmt.Fprintf(w, "      she has left Contoso: her guest account is in Contoso's Deleted users;\n"+
			"      Contoso's administrator can restore it there, and the next start prints GUEST_TOKEN again\n")
	default:
		fmt.Fprintf(w, "      and a guest in Contoso (%s): %s, group %q, app %q with role %q\n",
			d.AdaGuest.ExternalUserState, d.AdaGuest.UserPrincipalName, d.Group.DisplayName, d.App.DisplayName, d.AppRole.DisplayName)
	}
	fmt.Fprintf(w, "\n  Contoso's app %q as an OpenID Connect client (docs/oidc.md):\n"+
		"      issuer        %s/%s/v2.0\n      client id     %s\n      client secret %s  (new at every start)\n"+
		"      redirect URI  %s; My Apps opens %s\n",
		d.App.DisplayName, base, d.Contoso.ID, d.App.ID, d.AppSecret, AppRedirectURI, d.App.WebHomePageURL)
	fmt.Fprintf(w, "\n  Contoso's privacy contact: %s, %s\n", orNone(d.Contoso.Settings.PrivacyContactEmail), orNone(d.Contoso.Settings.PrivacyStatementURL))
	fmt.Fprintf(w, "\n  Pending invitation of %s into Contoso", GraceEmail)
	switch {
	case d.GraceInvite != nil:
		fmt.Fprintf(w, " (also in the e-mail outbox):\n      %s\n", d.GraceInvite.RedeemURL)
		// Only the invited address redeems: the demo's members would be
		// refused, so say how to be Grace.
		fmt.Fprintf(w, "      only %s can accept it: open the link, choose \"Send a code to %s\" and enter\n"+
			"      the one-time code (without SMTP it is printed here); signed in as anyone else, it is refused\n", GraceEmail, GraceEmail)
	case d.Grace != nil && d.Grace.ExternalUserState == directory.PendingAcceptance && !d.Grace.Deleted():
		// --base-url, so that the new link points at this server, not at
		// the command's default of localhost:8080.
		fmt.Fprintf(w, ": the link was printed when it was made and is in the outbox;\n      'orgdir invite --tenant %s --email %s --base-url %s' prints a new one\n",
			d.Contoso.InitialDomain, GraceEmail, base)
	default:
		fmt.Fprintf(w, ": no longer pending\n")
	}
	fmt.Fprintln(w, bar)
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}
