package bulkcsv

import (
	"encoding/csv"
	"errors"
	"io"
	"regexp"
	"strings"

	"github.com/orgdir/orgdir/internal/directory"
)

// Users reads a bulk create file: columns displayName, userPrincipalName,
// passwordProfile (the initial password; orgdir allows it empty: the user
// then has none) and accountEnabled ("Block sign in", Yes or No, so Yes
// makes the account disabled), and optionally mail. Rows it refuses (a
// bad Yes/No) come back in bad, with their reason.
func Users(r io.Reader) (rows []directory.BulkUserRow, bad []directory.BulkRowResult, err error) {
	err = read(r, []string{"displayName", "userPrincipalName"}, func(line int, get func(string) string) {
		nu := directory.NewUser{
			DisplayName: get("displayname"), UserPrincipalName: get("userprincipalname"),
			Password: get("passwordprofile"), Mail: get("mail"),
		}
		switch v := strings.ToLower(strings.TrimSpace(get("accountenabled"))); v {
		case "", "no", "false":
		case "yes", "true":
			off := false
			nu.AccountEnabled = &off
		default:
			bad = append(bad, directory.BulkRowResult{Row: line, Key: strings.TrimSpace(nu.UserPrincipalName),
				Err: directory.Invalidf("accountEnabled", "Block sign in must be Yes or No, not %q", v)})
			return
		}
		rows = append(rows, directory.BulkUserRow{Row: line, User: nu})
	})
	return rows, bad, err
}

// Invites reads a bulk invite file: columns inviteeEmail (Email address
// to invite), inviteRedirectURL (Redirection url; empty means the
// server's My Account), sendEmail ("Send invitation message", true or
// false, default true) and customizedMessageBody, and optionally
// invitedUserDisplayName.
func Invites(r io.Reader) (rows []directory.BulkInviteRow, bad []directory.BulkRowResult, err error) {
	err = read(r, []string{"inviteeEmail"}, func(line int, get func(string) string) {
		ir := directory.InviteRequest{
			InvitedUserEmailAddress: get("inviteeemail"), InviteRedirectURL: get("inviteredirecturl"),
			CustomizedMessageBody: get("customizedmessagebody"), InvitedUserDisplayName: get("inviteduserdisplayname"),
			SendInvitationMessage: true,
		}
		switch v := strings.ToLower(strings.TrimSpace(get("sendemail"))); v {
		case "", "true", "yes":
		case "false", "no":
			ir.SendInvitationMessage = false
		default:
			bad = append(bad, directory.BulkRowResult{Row: line, Key: strings.TrimSpace(ir.InvitedUserEmailAddress),
				Err: directory.Invalidf("sendEmail", "Send invitation message must be true or false, not %q", v)})
			return
		}
		rows = append(rows, directory.BulkInviteRow{Row: line, Invite: ir})
	})
	return rows, bad, err
}

var property = regexp.MustCompile(`\[([A-Za-z]+)\]`)

// column is the property a heading names: the bracketed name of Entra's
// template ("User name [userPrincipalName] Required"), or the heading
// itself ("userPrincipalName"), in lower case.
func column(heading string) string {
	if m := property.FindStringSubmatch(heading); m != nil {
		return strings.ToLower(m[1])
	}
	return strings.ToLower(strings.TrimSpace(heading))
}

// read finds the headings (after an optional version line), checks the
// required columns, and calls row for each non-empty row with its line.
func read(r io.Reader, required []string, row func(line int, get func(string) string)) error {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = false
	var cols map[string]int
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return directory.Invalidf("file", "the file is not valid CSV: %v", err)
		}
		line, _ := cr.FieldPos(0)
		if empty(rec) {
			continue
		}
		if cols == nil {
			first := strings.TrimPrefix(strings.TrimSpace(rec[0]), "\ufeff")
			if strings.HasPrefix(strings.ToLower(first), "version:") {
				continue
			}
			rec[0] = first
			cols = map[string]int{}
			for i, h := range rec {
				if c := column(h); c != "" {
					if _, dup := cols[c]; !dup {
						cols[c] = i
					}
				}
			}
			for _, c := range required {
				if _, ok := cols[strings.ToLower(c)]; !ok {
					return directory.Invalidf("file", "the file has no %s column: give it a heading as in Entra's template (%q) or the bare name %s", c, exampleHeading(c), c)
				}
			}
			continue
		}
		row(line, func(c string) string {
			if i, ok := cols[c]; ok && i < len(rec) {
				return rec[i]
			}
			return ""
		})
	}
	if cols == nil {
		return directory.Invalidf("file", "the file is empty: it needs a line of headings, then one row per user")
	}
	return nil
}

func exampleHeading(c string) string {
	switch c {
	case "displayName":
		return "Name [displayName] Required"
	case "userPrincipalName":
		return "User name [userPrincipalName] Required"
	case "inviteeEmail":
		return "Email address to invite [inviteeEmail] Required"
	}
	return c
}

func empty(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}
