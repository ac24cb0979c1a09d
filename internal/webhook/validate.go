package webhook

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Validator makes Graph's validation request: a POST to the URL with
// ?validationToken=…, which must answer 200, text/plain, with the token
// as the whole body, within Timeout.
type Validator struct {
	Client       *http.Client  // default NewClient(AllowPrivate)
	AllowPrivate bool          // see NewClient
	Timeout      time.Duration // default 10 s, as Graph
}

// ValidateWebhook makes the request and says, when it fails, why.
func (v *Validator) ValidateWebhook(ctx context.Context, rawURL string) error {
	if err := checkURL(rawURL, v.AllowPrivate); err != nil {
		return err
	}
	b := make([]byte, 18)
	_, _ = rand.Read(b)
	token := "orgdir-" + base64.RawURLEncoding.EncodeToString(b)
	u, _ := url.Parse(rawURL) // checkURL parsed it
	q := u.Query()
	q.Set("validationToken", token)
	u.RawQuery = q.Encode()

	timeout := v.Timeout
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), nil)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "text/plain; charset=utf-8")
	client := v.Client
	if client == nil {
		client = NewClient(v.AllowPrivate)
	}
	resp, err := client.Do(req)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return fmt.Errorf("the notification URL did not answer within %v", timeout)
		}
		return errors.New(reason(err))
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if err != nil {
		return fmt.Errorf("reading the answer: %v", reason(err))
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("the notification URL answered %d, not 200", resp.StatusCode)
	}
	if mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type")); mt != "text/plain" {
		return fmt.Errorf("the answer must be text/plain, not %q", resp.Header.Get("Content-Type"))
	}
	if strings.TrimSpace(string(body)) != token {
		return errors.New("response must exactly match validationToken query parameter")
	}
	return nil
}
