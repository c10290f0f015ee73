package dev.redrive.audit.web;

/** The sign-in form of the audit's pages ({@link SignInController}). */
final class SignInPage {

  private SignInPage() {}

  /**
   * @param next where to go after signing in (a path of this service)
   * @param problem why the last try failed, or null
   * @param readsOpen whether reads need no token here (then there is nothing to sign in to)
   */
  static String render(String next, String problem, boolean readsOpen) {
    Html html =
        new Html()
            .raw("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">")
            .raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            .raw("<title>Sign in · Redrive audit</title><style>")
            .raw(ExecutionPage.STYLE)
            .raw("</style><style>")
            .raw(IndexPage.STYLE)
            .raw("</style></head><body><header><h1>Redrive audit</h1></header>");
    if (readsOpen) {
      return html.raw("<p>Reading needs no token on this audit service (no")
          .raw(" <code>redrive.security.read-token</code> is set). ")
          .link(next, "Go on")
          .raw("</p></body></html>")
          .toString();
    }
    if (problem != null) {
      html.raw("<p class=\"error\" id=\"error\">").text(problem).raw("</p>");
    }
    return html.raw("<p>Reading the audit trail needs a token: the read token")
        .raw(" (<code>REDRIVE_READ_TOKEN</code>), the api token or your own. It is sent once;")
        .raw(" this browser then keeps a session cookie that lets it read for 8 hours.</p>")
        .raw("<form class=\"filters\" method=\"post\" action=\"/login\">")
        .raw("<input type=\"hidden\" name=\"next\" value=\"")
        .text(next)
        .raw("\"><label>Token<input type=\"password\" name=\"token\" id=\"token\"")
        .raw(" autocomplete=\"current-password\" required maxlength=\"512\"></label>")
        .raw("<button type=\"submit\" id=\"sign-in\">Sign in</button></form></body></html>")
        .toString();
  }
}
