/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scim-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <gmodule.h>

#include "scim-cli.h"
#include "scim-mail.h"

/* The command line's heavy parts, in a module of their own that only the
 * commands that draw a funnel or send mail load: the painter (cairo and
 * Pango) and SMTP with the keyring (libcurl and libsecret).  Linked into
 * the program, those libraries and the dozens they bring (TLS, Kerberos,
 * LDAP, X11, fonts) were mapped and relocated by every command, some 20 ms
 * of the 40 that a "users list" took on the large demo; a script that runs
 * commands in a loop pays that each time.
 *
 * The module is scim-sales-cli-extras.so beside the program (the build
 * tree) or in CLI_EXTRAS_DIR (installed).  Its functions are the core's own
 * (the module is built from the same sources), found by name; their types
 * come from the core's headers through __typeof__, which does not link
 * them in. */

#define EXTRAS_NAME "scim-sales-cli-extras.so"

static char *
extras_path (void)
{
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);

  if (self != NULL)
    {
      g_autofree char *dir = g_path_get_dirname (self);
      g_autofree char *beside = g_build_filename (dir, EXTRAS_NAME, NULL);

      if (g_file_test (beside, G_FILE_TEST_IS_REGULAR))
        return g_steal_pointer (&beside);
    }
  return g_build_filename (CLI_EXTRAS_DIR, EXTRAS_NAME, NULL);
}

/* The function @name of the module, loaded at the first call; a missing or
 * broken module is a translated error that says what to do. */
static gpointer
extras_symbol (const char  *name,
               GError     **error)
{
  static GModule *module;
  static char *failure;
  gpointer symbol = NULL;

  if (module == NULL && failure == NULL)
    {
      g_autofree char *path = extras_path ();

      module = g_module_open (path, G_MODULE_BIND_LAZY | G_MODULE_BIND_LOCAL);
      if (module == NULL)
        failure = g_strdup (g_module_error ());
    }
  if (module != NULL && !g_module_symbol (module, name, &symbol))
    {
      g_free (failure);
      failure = g_strdup (g_module_error ());
      symbol = NULL;
    }
  if (symbol == NULL)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                 _("The part of SCIM Sales that draws funnels and sends e-mail could not be loaded (%s). "
                   "Reinstall SCIM Sales."), failure);
  return symbol;
}

gboolean
scim_cli_funnel_export (GPtrArray         *funnels,
                        ScimFunnelMode     mode,
                        ScimFunnelFormat   format,
                        const char        *path,
                        int                width,
                        int                height,
                        GError           **error)
{
  __typeof__ (scim_funnel_export) *export = extras_symbol ("scim_funnel_export", error);

  return export != NULL && export (funnels, mode, format, path, width, height, error);
}

gboolean
scim_cli_funnel_export_to_stream (GPtrArray         *funnels,
                                  ScimFunnelMode     mode,
                                  ScimFunnelFormat   format,
                                  GOutputStream     *stream,
                                  int                width,
                                  int                height,
                                  GError           **error)
{
  __typeof__ (scim_funnel_export_to_stream) *export = extras_symbol ("scim_funnel_export_to_stream", error);

  return export != NULL && export (funnels, mode, format, stream, width, height, error);
}

gboolean
scim_cli_mail_send (const ScimMailAccount  *account,
                    const char             *to,
                    const char             *subject,
                    const char             *body,
                    GError                **error)
{
  __typeof__ (scim_mail_send) *send = extras_symbol ("scim_mail_send", error);

  return send != NULL && send (account, to, subject, body, NULL, error);
}

char *
scim_cli_mail_lookup_password (const char  *host,
                               const char  *user,
                               GError     **error)
{
  __typeof__ (scim_mail_lookup_password) *lookup = extras_symbol ("scim_mail_lookup_password", error);

  return lookup != NULL ? lookup (host, user, NULL, error) : NULL;
}
