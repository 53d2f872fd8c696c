// A real OpenID provider for the service's tests: the certified `oidc-provider` package
// (pinned in package.json), on a free loopback port, with its development login and
// consent forms. Started by service/tests/oidc.rs (and usable by the browser tests):
//
//   node oidc-peer.mjs <redirect_uri> <post_logout_redirect_uri>
//
// prints `issuer http://127.0.0.1:PORT` on stdout once listening, and runs until killed.
// One client, `bedside-ward` / `peer-secret` (client_secret_basic, PKCE S256 required).
// Users, signed in by typing their id in the login form (any password):
//   nurse-ada   "Ada Okafor"  roles ["ward-nurse"]
//   pharm-ben   "Ben Adeyemi" roles ["pharmacy"]
//   porter-cal  "Cal Evans"   roles ["porter"]   (no Bedside role)
// The `profile` scope carries `name` and `roles`; as the provider conforms to the spec
// (conformIdTokenClaims), they reach the relying party through userinfo, not the ID token.
import http from 'node:http';
import Provider from 'oidc-provider';

const [redirectUri, postLogout] = process.argv.slice(2);
if (!redirectUri) {
  console.error('usage: node oidc-peer.mjs <redirect_uri> [post_logout_redirect_uri]');
  process.exit(2);
}

const USERS = {
  'nurse-ada': { name: 'Ada Okafor', roles: ['ward-nurse'] },
  'pharm-ben': { name: 'Ben Adeyemi', roles: ['pharmacy'] },
  'porter-cal': { name: 'Cal Evans', roles: ['porter'] },
};

let handler = (_req, res) => { res.statusCode = 503; res.end(); };
const server = http.createServer((req, res) => handler(req, res));
server.listen(0, '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, {
    clients: [{
      client_id: 'bedside-ward',
      client_secret: 'peer-secret',
      redirect_uris: [redirectUri],
      post_logout_redirect_uris: postLogout ? [postLogout] : [],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    }],
    claims: { openid: ['sub'], profile: ['name', 'roles'] },
    async findAccount(_ctx, id) {
      const u = USERS[id];
      if (!u) return undefined;
      return { accountId: id, claims: async () => ({ sub: id, ...u }) };
    },
    pkce: { required: () => true },
    features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
    cookies: { keys: ['bedside-test-peer-cookie-key'] },
  });
  handler = provider.callback();
  console.log(`issuer ${issuer}`);
});
