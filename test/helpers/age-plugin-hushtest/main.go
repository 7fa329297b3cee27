// age-plugin-hushtest: a test fixture for hush's age plugin client, built on age's own plugin package
// (filippo.io/age/plugin, the reference implementation of the protocol). Recipients and identities carry a
// native X25519 recipient or identity string as their data, so any stanza it writes is a standard X25519
// stanza. Each wrap and unwrap first sends a message to the client (exercising the msg round trip); with
// HUSHTEST_ASK=1 an unwrap also asks for a secret and refuses unless it is "1234" (request-secret); with
// HUSHTEST_SLEEP=N it waits N seconds first (a token waiting to be touched).
package main

import (
	"errors"
	"os"
	"strconv"
	"time"

	"filippo.io/age"
	"filippo.io/age/plugin"
)

var p *plugin.Plugin

type recipient struct{ inner age.Recipient }

func (r recipient) Wrap(fileKey []byte) ([]*age.Stanza, error) {
	if err := p.DisplayMessage("wrapping with hushtest"); err != nil {
		return nil, err
	}
	return r.inner.Wrap(fileKey)
}

type identity struct{ inner age.Identity }

func (i identity) Unwrap(stanzas []*age.Stanza) ([]byte, error) {
	if err := p.DisplayMessage("unwrapping with hushtest"); err != nil {
		return nil, err
	}
	if n, err := strconv.Atoi(os.Getenv("HUSHTEST_SLEEP")); err == nil && n > 0 {
		time.Sleep(time.Duration(n) * time.Second)
	}
	if os.Getenv("HUSHTEST_ASK") == "1" {
		pin, err := p.RequestValue("PIN:", true)
		if err != nil {
			return nil, err
		}
		if pin != "1234" {
			return nil, errors.New("wrong PIN")
		}
	}
	return i.inner.Unwrap(stanzas)
}

func main() {
	var err error
	p, err = plugin.New("hushtest")
	if err != nil {
		os.Exit(1)
	}
	p.HandleRecipient(func(data []byte) (age.Recipient, error) {
		r, err := age.ParseX25519Recipient(string(data))
		if err != nil {
			return nil, err
		}
		return recipient{r}, nil
	})
	p.HandleIdentity(func(data []byte) (age.Identity, error) {
		id, err := age.ParseX25519Identity(string(data))
		if err != nil {
			return nil, err
		}
		return identity{id}, nil
	})
	os.Exit(p.Main())
}
