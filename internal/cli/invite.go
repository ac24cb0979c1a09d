package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/orgdir/orgdir/internal/directory"
)

func runInvite(ctx context.Context, e *env, args []string) error {
	f := newFlags("invite", `Invites an e-mail address into a tenant as a guest: the guest user is created
at once (PendingAcceptance) and the redeem URL is printed. Inviting an address
that already has a guest here sends a new link for the same user.

With --csv FILE, invites every row of a CSV file, as Entra's Bulk invite: its
template ("version:v1.0", then Email address to invite [inviteeEmail],
Redirection url [inviteRedirectURL], Send invitation message (true or false)
[sendEmail], Customized invitation message [customizedMessageBody]) or one
with the bare property names; each row is invited whole or not at all, and
the result CSV has one line per row.`)
	db := addDBFlags(f)
	tenant := tenantFlag(f)
	baseURL := f.String("base-url", defaultBaseURL, "public `URL` of the orgdir server, where the redeem link points")
	email := f.String("email", "", "the e-mail `address` to invite")
	name := f.String("name", "", "display `name` of the guest (optional)")
	redirect := f.String("redirect-url", "", "`URL` the guest is sent to after redeeming; empty means the server's My Account")
	send := f.Bool("send", false, "also e-mail the invitation (through SMTP, or into the outbox)")
	message := f.String("message", "", "a personal `message` for the invitation e-mail")
	csvFile := f.String("csv", "", "invite every row of this CSV `file` instead of --email")
	result := f.String("result", "", "with --csv: where to write the result CSV `file`; default FILE with .result.csv")
	if err := f.parse(e, args); err != nil {
		return err
	}
	if (*email == "") == (*csvFile == "") {
		return usageErrorf("invite: give --email or --csv (one of them)")
	}
	if err := checkBaseURL("base-url", *baseURL); err != nil {
		return err
	}
	if *csvFile != "" {
		return runInviteCSV(ctx, e, db, *tenant, *baseURL, *csvFile, *result)
	}
	if *redirect == "" {
		*redirect = strings.TrimRight(*baseURL, "/") + "/"
	}
	return e.withService(ctx, db, *baseURL, func(ctx context.Context, svc *directory.Service) error {
		t, err := findTenant(ctx, svc, *tenant)
		if err != nil {
			return err
		}
		res, err := svc.Invite(ctx, t.ID, directory.InviteRequest{
			InvitedUserEmailAddress: *email,
			InviteRedirectURL:       *redirect,
			InvitedUserDisplayName:  *name,
			SendInvitationMessage:   *send,
			CustomizedMessageBody:   *message,
		})
		if err != nil {
			return err
		}
		verb := "invited"
		if res.Resent {
			verb = "re-invited"
		}
		fmt.Fprintf(e.stdout, "%s %s into %s as %s (user id %s), expires %s\n", verb, res.Invitation.InvitedEmail,
			t.InitialDomain, res.User.UserPrincipalName, res.User.ID, res.Invitation.ExpiresAt.UTC().Format("2006-01-02 15:04 MST"))
		fmt.Fprintf(e.stdout, "redeem URL: %s\n", res.RedeemURL)
		fmt.Fprintf(e.stdout, "redeem token: %s\n", res.RedeemToken)
		return nil
	})
}

func runInvitationRedeem(ctx context.Context, e *env, args []string) error {
	f := newFlags("invitation redeem", `Redeems an invitation on behalf of a home identity, as if that person had
opened the redeem link and signed in: a member of another tenant on this
instance (--home-user), or an e-mail identity that signs in with a one-time
passcode (--email). For scripts and tests.

Only the invited person redeems: --home-user's user principal name (or its
mail, when in its own tenant's domain) or the --email address must be the
invited address. --email stands in for the one-time passcode: the operator
vouches that the address is the person's.`)
	db := addDBFlags(f)
	token := f.String("token", "", "the redeem `token` (the token= part of the redeem URL)")
	homeUser := f.String("home-user", "", "`UPN` of the member, in another tenant here, who redeems")
	email := f.String("email", "", "e-mail `address` of an e-mail identity that redeems")
	f.require("token")
	if err := f.parse(e, args); err != nil {
		return err
	}
	if (*homeUser == "") == (*email == "") {
		return usageErrorf("invitation redeem: give exactly one of --home-user and --email")
	}
	return e.withService(ctx, db, defaultBaseURL, func(ctx context.Context, svc *directory.Service) error {
		// The token is checked first, so that a bad one creates no e-mail
		// identity: bad input changes nothing.
		inv, _, err := svc.LookupInvitation(ctx, *token)
		if err != nil {
			return err
		}
		if *email != "" && !strings.EqualFold(strings.TrimSpace(*email), inv.InvitedEmail) {
			// Nor does an address the invitation is not for (Redeem would
			// refuse it, after the identity was made).
			return directory.Errorf(directory.KindInvitationOtherAddress,
				"--email %s: the invitation is for another address; give the invited address", *email)
		}
		var as directory.Actor
		if *homeUser != "" {
			_, domain, ok := strings.Cut(*homeUser, "@")
			if !ok {
				return directory.Invalidf("homeUser", "--home-user %q is not a user principal name (name@domain)", *homeUser)
			}
			home, err := svc.GetTenantByDomain(ctx, strings.ToLower(domain))
			if err != nil {
				return named("--home-user", *homeUser, err)
			}
			u, err := svc.GetUser(ctx, home.ID, *homeUser)
			if err != nil {
				return named("--home-user", *homeUser, err)
			}
			as = directory.UserActor(home.ID, u.ID)
		} else {
			id, err := svc.EnsureEmailIdentity(ctx, *email)
			if err != nil {
				return err
			}
			as = directory.EmailActor(id.ID)
		}
		guest, err := svc.Redeem(directory.WithActor(ctx, as), *token)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "redeemed: %s is now %s (user id %s)\n", guest.UserPrincipalName, guest.ExternalUserState, guest.ID)
		return nil
	})
}
