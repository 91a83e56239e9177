package auth

// SessionCookie is the name of the browser session cookie: the API sets it
// on sign-in, and the API and the web pages find the session by it.
const SessionCookie = "revolver_session"
