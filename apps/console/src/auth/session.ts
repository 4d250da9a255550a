/**
 * The signed-in tenant's API token. Kept in sessionStorage: this tab only, gone when it closes, and
 * readable by this origin alone. The token is only ever sent as an Authorization header to this
 * origin's own `/api/v1/...` (see api/client.ts), and the origin's Content-Security-Policy
 * (`connect-src 'self'`) and `Referrer-Policy: no-referrer` keep the page from talking to anyone else.
 */
const KEY = 'daalu.apiToken';

export const session = {
  token(): string | null {
    return sessionStorage.getItem(KEY);
  },
  signIn(token: string): void {
    sessionStorage.setItem(KEY, token);
  },
  signOut(): void {
    sessionStorage.removeItem(KEY);
  },
};
