/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scim-application"

#include "config.h"

#include <glib/gi18n.h>

#include "scim-application-private.h"
#include "scim-window.h"

/* `scim-sales [--user LOGIN] [--background] [FILE]`: opens FILE (or the
 * last file, or the welcome page) in a window and signs in as LOGIN when no
 * password is needed or the keyring remembers it.  With --background (the
 * start at login) the window stays hidden once signed in and only alerts
 * show; it comes up when it needs the user (a password, an error). */

struct _ScimApplication
{
  AdwApplication parent_instance;
};

G_DEFINE_FINAL_TYPE (ScimApplication, scim_application, ADW_TYPE_APPLICATION)

/* A window running in the background comes back as it was. */
static gboolean
present_hidden (ScimApplication *self)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    if (!gtk_widget_get_visible (l->data))
      {
        gtk_window_present (l->data);
        return TRUE;
      }
  return FALSE;
}

static int
scim_application_command_line (GApplication            *application,
                               GApplicationCommandLine *command_line)
{
  ScimApplication *self = SCIM_APPLICATION (application);
  GVariantDict *options = g_application_command_line_get_options_dict (command_line);
  g_auto(GStrv) arguments = NULL;
  g_autofree char *path = NULL;
  const char *login = NULL;
  gboolean background = FALSE;
  int argc;

  arguments = g_application_command_line_get_arguments (command_line, &argc);
  g_variant_dict_lookup (options, "user", "&s", &login);
  g_variant_dict_lookup (options, "background", "b", &background);

  if (argc > 2)
    {
      g_application_command_line_printerr (command_line, "%s\n",
                                           _("Give one database file at most."));
      return 2;
    }
  if (argc == 2)
    {
      g_autoptr(GFile) file = g_application_command_line_create_file_for_arg (command_line, arguments[1]);
      path = g_file_get_path (file);
    }

  if (background)
    {
      /* A second start at login while one runs changes nothing. */
      if (gtk_application_get_windows (GTK_APPLICATION (self)) == NULL)
        scim_application_open_hidden (self, path, login);
      return 0;
    }
  /* Launched again while hidden in the background: the window comes up. */
  if (path == NULL && login == NULL && present_hidden (self))
    return 0;
  scim_application_open_window (self, path, login);
  return 0;
}

static void
scim_application_activate (GApplication *application)
{
  if (present_hidden (SCIM_APPLICATION (application)))
    return;
  scim_application_open_window (SCIM_APPLICATION (application), NULL, NULL);
}

static void
scim_application_startup (GApplication *application)
{
  G_APPLICATION_CLASS (scim_application_parent_class)->startup (application);

  _scim_application_install_actions (SCIM_APPLICATION (application));
  gtk_window_set_default_icon_name (APP_ID);
}

static void
scim_application_class_init (ScimApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  app_class->activate = scim_application_activate;
  app_class->command_line = scim_application_command_line;
  app_class->startup = scim_application_startup;
}

static void
scim_application_init (ScimApplication *self)
{
  static const GOptionEntry entries[] = {
    { "user", 'u', 0, G_OPTION_ARG_STRING, NULL, N_("Sign in as this user"), N_("LOGIN") },
    { "background", 'b', 0, G_OPTION_ARG_NONE, NULL,
      N_("Start hidden, only for the alerts (as at login)"), NULL },
    { NULL }
  };

  g_application_add_main_option_entries (G_APPLICATION (self), entries);
  g_application_set_option_context_parameter_string (G_APPLICATION (self), _("[FILE]"));
  g_application_set_option_context_summary (G_APPLICATION (self),
                                            _("Open a SCIM Sales database, or the last one used."));
}

ScimApplication *
scim_application_new (GApplicationFlags flags)
{
  return g_object_new (SCIM_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "resource-base-path", "/ru/scim/Sales",
                       "flags", flags | G_APPLICATION_HANDLES_COMMAND_LINE,
                       NULL);
}

/* Opens @path, or the last file as the last user; FALSE when there is
 * nothing to open (the welcome page stays). */
static gboolean
open_in (ScimWindow *window,
         const char *path,
         const char *login)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autofree char *last_file = g_settings_get_string (settings, "last-file");
  g_autofree char *last_user = g_settings_get_string (settings, "last-user");

  if (path != NULL)
    scim_window_open_file (window, path, login);
  else if (last_file[0] != '\0' && g_file_test (last_file, G_FILE_TEST_EXISTS))
    scim_window_open_file (window, last_file, login != NULL ? login : (last_user[0] != '\0' ? last_user : NULL));
  else
    return FALSE;
  return TRUE;
}

/**
 * scim_application_open_window:
 * @self: the application
 * @path: (nullable): a database file; %NULL for the last one used
 * @login: (nullable): who signs in
 *
 * Returns: (transfer none): the new window
 */
GtkWindow *
scim_application_open_window (ScimApplication *self,
                              const char      *path,
                              const char      *login)
{
  ScimWindow *window = scim_window_new (GTK_APPLICATION (self));

  open_in (window, path, login);
  gtk_window_present (GTK_WINDOW (window));
  return GTK_WINDOW (window);
}

/* A hidden window shows itself when it waits for the person (a password,
 * an error, no file); once at work it stays hidden. */
static void
on_hidden_state_cb (ScimWindow *window,
                    GParamSpec *pspec,
                    gpointer    user_data)
{
  if (g_str_equal (scim_window_get_state (window), "work"))
    g_signal_handlers_disconnect_by_func (window, on_hidden_state_cb, user_data);
  else if (scim_window_get_needs_user (window))
    {
      g_signal_handlers_disconnect_by_func (window, on_hidden_state_cb, user_data);
      gtk_window_present (GTK_WINDOW (window));
    }
}

/**
 * scim_application_open_hidden:
 * @self: the application
 * @path: (nullable): a database file; %NULL for the last one used
 * @login: (nullable): who signs in
 *
 * Opens a window that stays hidden once signed in, so only the alerts
 * show; it is presented when it needs the user (sign-in, an error, no file).
 *
 * Returns: (transfer none): the new window
 */
GtkWindow *
scim_application_open_hidden (ScimApplication *self,
                              const char      *path,
                              const char      *login)
{
  ScimWindow *window = scim_window_new (GTK_APPLICATION (self));

  g_signal_connect (window, "notify::needs-user", G_CALLBACK (on_hidden_state_cb), NULL);
  if (!open_in (window, path, login))
    on_hidden_state_cb (window, NULL, NULL);
  return GTK_WINDOW (window);
}
