// Package bench is the load behind make bench: virtual users sign in as
// demo accounts, drive one endpoint at a time over HTTP as a browser
// would, and the figures are checked against the budgets of DESIGN §6.
// Starting the database and the server is internal/devenv's part.
package bench

import (
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Options say what to load and how hard.
type Options struct {
	BaseURL  string // the server, e.g. http://127.0.0.1:41234
	Users    int    // concurrent virtual users, each with its own sessions
	Duration time.Duration
	// Warmup runs before each endpoint's Duration, unrecorded.
	Warmup time.Duration
	// Think is how long a user pauses between requests, on average (half
	// to one and a half times it); zero sends the next at once.
	Think    time.Duration
	Accounts []Account
	Password string
	Terms    Terms
	// Only names the scenarios to run; empty runs every one.
	Only []string
	// Progress gets a line per step; nil discards them.
	Progress io.Writer
}

// Result is one size's load: the endpoints' figures and the page weights.
type Result struct {
	Endpoints []Endpoint
	Pages     []PageWeight
}

// Run drives every scenario against the server in turn, each for
// o.Duration after o.Warmup, with o.Users users sending one request after
// another (pausing o.Think between them), then measures the main pages'
// first visits.
func Run(ctx context.Context, o Options) (Result, error) {
	base, err := url.Parse(o.BaseURL)
	if err != nil {
		return Result{}, err
	}
	if o.Progress == nil {
		o.Progress = io.Discard
	}
	if o.Users < 1 || len(o.Accounts) == 0 {
		return Result{}, errors.New("bench: no users or no accounts")
	}
	l := &loader{o: o, base: base, transport: &http.Transport{
		// The users ask for gzip themselves, as a browser does, and the
		// bytes on the wire are what the page weights count.
		DisableCompression:  true,
		MaxIdleConnsPerHost: 4*o.Users + 16,
		IdleConnTimeout:     time.Minute,
	}}
	defer l.transport.CloseIdleConnections()
	l.anonymous = l.client(nil)

	// Each reader's first list pages give the cases it may open.
	fmt.Fprintln(o.Progress, "bench: collecting the cases each account may see")
	ids := map[string][]int64{}
	for _, a := range o.Accounts {
		if !a.Actor.ReadsCases() {
			continue
		}
		c, err := l.signIn(ctx, a)
		if err != nil {
			return Result{}, err
		}
		if ids[a.Email], err = l.caseIDs(ctx, c, 4); err != nil {
			return Result{}, fmt.Errorf("%s: %w", a.Email, err)
		}
	}
	if err := l.checkBaseline(ctx); err != nil {
		return Result{}, err
	}

	scenarios := Scenarios(o.Terms, o.Password, ids)
	if len(o.Only) > 0 {
		scenarios = slices.DeleteFunc(scenarios, func(s Scenario) bool { return !slices.Contains(o.Only, s.Name) })
	}
	plans, err := l.plan(ctx, scenarios)
	if err != nil {
		return Result{}, err
	}

	var res Result
	for _, p := range plans {
		e, err := l.drive(ctx, p)
		if err != nil {
			return Result{}, err
		}
		fmt.Fprintf(o.Progress, "bench: %-16s %6.0f req/s  p95 %6.1f ms  %d errors\n", e.Name, e.RPS, float64(e.P95), e.Errors)
		res.Endpoints = append(res.Endpoints, e)
	}
	WithBaseline(res.Endpoints, "baseline")

	fmt.Fprintln(o.Progress, "bench: measuring first visits")
	if res.Pages, err = l.pageWeights(ctx, ids); err != nil {
		return Result{}, err
	}
	return res, nil
}

type loader struct {
	o         Options
	base      *url.URL
	transport *http.Transport
	anonymous *http.Client
}

// client is a browser: its own cookies, redirects left to the caller.
func (l *loader) client(jar http.CookieJar) *http.Client {
	return &http.Client{Transport: l.transport, Jar: jar, Timeout: time.Minute,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// browserHeaders are what a browser sends with every request that matter
// here: gzip, and Sec-Fetch-Site, which cross-origin protection reads.
func browserHeaders(req *http.Request) {
	req.Header.Set("Accept", "text/html,application/xhtml+xml,*/*;q=0.8")
	req.Header.Set("Accept-Encoding", "gzip")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.Header.Set("User-Agent", "handshake-bench")
}

func (l *loader) newRequest(ctx context.Context, r Request) (*http.Request, error) {
	var body io.Reader
	if r.Form != nil {
		body = strings.NewReader(r.Form.Encode())
	}
	u, err := l.base.Parse(r.Path)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, r.Method, u.String(), body)
	if err != nil {
		return nil, err
	}
	browserHeaders(req)
	if r.Form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	return req, nil
}

// signIn opens a session for a in a new cookie jar.
func (l *loader) signIn(ctx context.Context, a Account) (*http.Client, error) {
	jar, _ := cookiejar.New(nil)
	c := l.client(jar)
	req, err := l.newRequest(ctx, Request{Method: http.MethodPost, Path: "/login",
		Form: url.Values{"email": {a.Email}, "password": {l.o.Password}}})
	if err != nil {
		return nil, err
	}
	res, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther || len(jar.Cookies(l.base)) == 0 {
		return nil, fmt.Errorf("sign in as %s: status %d (does the dataset hold the demo accounts?)", a.Email, res.StatusCode)
	}
	return c, nil
}

var (
	caseLink  = regexp.MustCompile(`href="/cases/(\d+)"`)
	olderLink = regexp.MustCompile(`href="(/cases\?[^"]*after=[^"]*)"`)
)

// caseIDs reads up to pages pages of c's case list and returns the cases
// on them.
func (l *loader) caseIDs(ctx context.Context, c *http.Client, pages int) ([]int64, error) {
	var ids []int64
	path := "/cases"
	for range pages {
		body, err := l.getPage(ctx, c, path)
		if err != nil {
			return nil, err
		}
		for _, m := range caseLink.FindAllSubmatch(body, -1) {
			if id, err := strconv.ParseInt(string(m[1]), 10, 64); err == nil && !slices.Contains(ids, id) {
				ids = append(ids, id)
			}
		}
		m := olderLink.FindSubmatch(body)
		if m == nil {
			break
		}
		path = html.UnescapeString(string(m[1]))
	}
	return ids, nil
}

// getPage GETs path, wants 200, and returns the body decompressed.
func (l *loader) getPage(ctx context.Context, c *http.Client, path string) ([]byte, error) {
	u, err := l.base.Parse(path)
	if err != nil {
		return nil, err
	}
	_, body, err := fetchWire(ctx, c, u.String())
	return body, err
}

// checkBaseline makes sure the server serves the baseline page, which it
// does only with BENCH_BASELINE=true.
func (l *loader) checkBaseline(ctx context.Context) error {
	c, err := l.signIn(ctx, l.o.Accounts[0])
	if err != nil {
		return err
	}
	body, err := l.getPage(ctx, c, "/bench/baseline")
	if err != nil {
		return fmt.Errorf("the baseline page (is the server run with BENCH_BASELINE=true?): %w", err)
	}
	if len(body) != 2048 {
		return fmt.Errorf("the baseline page has %d bytes, want 2048", len(body))
	}
	return nil
}

// plan is a scenario with the session each user sends it from.
type plan struct {
	Scenario
	users []planned
}

type planned struct {
	account Account
	client  *http.Client
}

// plan signs every user in as each account it will need, before anything
// is timed: user i uses the i-th of the accounts that may use a scenario,
// round the list, so every scenario has all users.
func (l *loader) plan(ctx context.Context, scenarios []Scenario) ([]plan, error) {
	type key struct {
		user  int
		email string
	}
	sessions := map[key]*http.Client{}
	var plans []plan
	for _, s := range scenarios {
		accounts := eligible(s, l.o.Accounts)
		if len(accounts) == 0 {
			return nil, fmt.Errorf("no account may use %s", s.Name)
		}
		p := plan{Scenario: s}
		for i := range l.o.Users {
			a := accounts[i%len(accounts)]
			p.users = append(p.users, planned{account: a})
			if _, ok := sessions[key{i, a.Email}]; !ok && !s.Next(a, 0).Anonymous {
				sessions[key{i, a.Email}] = nil
			}
		}
		plans = append(plans, p)
	}
	fmt.Fprintf(l.o.Progress, "bench: signing in %d sessions for %d users\n", len(sessions), l.o.Users)
	var (
		mu   sync.Mutex
		errs []error
		wg   sync.WaitGroup
		sem  = make(chan struct{}, 4)
	)
	for k := range sessions {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			var a Account
			for _, acc := range l.o.Accounts {
				if acc.Email == k.email {
					a = acc
				}
			}
			c, err := l.signIn(ctx, a)
			mu.Lock()
			defer mu.Unlock()
			sessions[k] = c
			errs = append(errs, err)
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	for _, p := range plans {
		for i := range p.users {
			p.users[i].client = sessions[key{i, p.users[i].account.Email}]
		}
	}
	return plans, nil
}

// userResult is what one user recorded.
type userResult struct {
	latencies []time.Duration
	errors    int
	samples   []string
}

// drive runs one scenario: every user sends requests one after another
// until the time is up; those started during the warm-up are not recorded.
func (l *loader) drive(ctx context.Context, p plan) (Endpoint, error) {
	start := time.Now()
	warm, end := start.Add(l.o.Warmup), start.Add(l.o.Warmup+l.o.Duration)
	results := make([]userResult, len(p.users))
	var wg sync.WaitGroup
	for i, u := range p.users {
		wg.Go(func() {
			r := &results[i]
			// Users arrive over one pause, as people do, rather than all
			// in the same millisecond: that burst would measure a queue of
			// 50 requests, not 50 users.
			if l.o.Think > 0 {
				select {
				case <-time.After(rand.N(l.o.Think)):
				case <-ctx.Done():
				}
			}
			for n := i * 7; ; n++ {
				begin := time.Now()
				if !begin.Before(end) || ctx.Err() != nil {
					return
				}
				req := p.Next(u.account, n)
				lat, err := l.send(ctx, u.client, req)
				if l.o.Think > 0 {
					pause := l.o.Think/2 + rand.N(l.o.Think+1)
					select {
					case <-time.After(min(pause, time.Until(end))):
					case <-ctx.Done():
					}
				}
				if begin.Before(warm) {
					continue
				}
				r.latencies = append(r.latencies, lat)
				if err != nil {
					r.errors++
					if len(r.samples) < 3 {
						r.samples = append(r.samples, fmt.Sprintf("%s (%s)", err, u.account.Email))
					}
				}
			}
		})
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return Endpoint{}, err
	}
	var all []time.Duration
	var errs int
	var samples []string
	for _, r := range results {
		all = append(all, r.latencies...)
		errs += r.errors
		for _, s := range r.samples {
			if len(samples) < 5 && !slices.Contains(samples, s) {
				samples = append(samples, s)
			}
		}
	}
	ex := p.Next(p.users[0].account, 0)
	e := Summarize(p.Name, ex.Method+" "+ex.Path, all, errs, l.o.Duration)
	e.ErrorSamples = samples
	return e, nil
}

// send sends one request and reads the whole body; the latency runs from
// sending to the last byte. A status other than the one wanted is an
// error.
func (l *loader) send(ctx context.Context, c *http.Client, r Request) (time.Duration, error) {
	req, err := l.newRequest(ctx, r)
	if err != nil {
		return 0, err
	}
	if r.Anonymous {
		c = l.anonymous
	}
	begin := time.Now()
	res, err := c.Do(req)
	if err != nil {
		return time.Since(begin), err
	}
	_, err = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	lat := time.Since(begin)
	if err != nil {
		return lat, err
	}
	if res.StatusCode != r.Want {
		return lat, fmt.Errorf("%s %s: status %d", r.Method, r.Path, res.StatusCode)
	}
	return lat, nil
}

// mainPages are the pages whose first visit the budget bounds; %d is a
// case the page account may see.
var mainPages = []string{"/login", "/", "/cases", "/cases/%d", "/referrals", "/desk", "/hotspots", "/directory"}

// pageWeights measures each main page's first visit, as a coordinator in
// a fresh session (and the sign-in page signed out).
func (l *loader) pageWeights(ctx context.Context, ids map[string][]int64) ([]PageWeight, error) {
	a, ok := pageAccount(l.o.Accounts)
	if !ok {
		return nil, errors.New("no coordinator among the accounts to measure the pages as")
	}
	c, err := l.signIn(ctx, a)
	if err != nil {
		return nil, err
	}
	jar, _ := cookiejar.New(nil)
	visitor := l.client(jar)
	var out []PageWeight
	for _, p := range mainPages {
		client := c
		if p == "/login" {
			client = visitor
		}
		if strings.Contains(p, "%d") {
			if len(ids[a.Email]) == 0 {
				out = append(out, PageWeight{Page: p, Error: a.Email + " sees no case"})
				continue
			}
			p = fmt.Sprintf(p, ids[a.Email][0])
		}
		out = append(out, measurePage(ctx, client, l.base, p))
	}
	return out, nil
}
