/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* E-mail of alerts through the user's own SMTP account (libcurl).  The
 * password lives in the desktop keyring, never in the file or GSettings. */

typedef enum
{
  SCIM_MAIL_STARTTLS,   /* submission on 587, upgraded to TLS: required */
  SCIM_MAIL_TLS,        /* TLS from the start, usually 465 */
  SCIM_MAIL_PLAIN,      /* no encryption: only for a server on this machine */
} ScimMailSecurity;

typedef struct
{
  const char       *host;
  guint             port;       /* 0: 587, 465 with TLS, 25 plain */
  ScimMailSecurity  security;
  const char       *user;       /* NULL or "": no login */
  const char       *password;
  const char       *from;       /* the sender's address */
  const char       *ca_file;    /* NULL: the system's authorities */
  guint             timeout;    /* seconds; 0: 30 */
} ScimMailAccount;

#define SCIM_MAIL_ERROR (scim_mail_error_quark ())
GQuark      scim_mail_error_quark            (void);

typedef enum
{
  SCIM_MAIL_ERROR_INVALID,      /* no host, no sender, a bad address */
  SCIM_MAIL_ERROR_CONNECT,      /* the server cannot be reached: try again later */
  SCIM_MAIL_ERROR_TLS,          /* encryption failed or the certificate is not trusted */
  SCIM_MAIL_ERROR_LOGIN,        /* the server refused the user name or password */
  SCIM_MAIL_ERROR_REFUSED,      /* the server refused the message */
  SCIM_MAIL_ERROR_CANCELLED,
} ScimMailError;

gboolean    scim_mail_security_from_string   (const char        *text,
                                              ScimMailSecurity  *security);
const char *scim_mail_security_to_string     (ScimMailSecurity   security);

/* An RFC 5322 message: UTF-8 headers encoded, the body in base64. */
char       *scim_mail_compose                (const char        *from,
                                              const char        *to,
                                              const char        *subject,
                                              const char        *body,
                                              gint64             date);
/* Sends and returns only once the server accepted the message: blocks,
 * call it on a worker thread. */
gboolean    scim_mail_send                   (const ScimMailAccount *account,
                                              const char        *to,
                                              const char        *subject,
                                              const char        *body,
                                              GCancellable      *cancellable,
                                              GError           **error);

/* The account's password in the keyring, by host and user. */
gboolean    scim_mail_store_password         (const char        *host,
                                              const char        *user,
                                              const char        *password,
                                              GCancellable      *cancellable,
                                              GError           **error);
char       *scim_mail_lookup_password        (const char        *host,
                                              const char        *user,
                                              GCancellable      *cancellable,
                                              GError           **error);

G_END_DECLS
