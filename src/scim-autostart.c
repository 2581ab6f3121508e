/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scim-autostart"

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "scim-autostart.h"

/* Starting at login, in the background, so alerts come without opening the
 * app.  Outside a sandbox this is an XDG autostart entry in the user's
 * config folder, which is also the truth about whether it is on.  Inside
 * Flatpak the app cannot write there: it asks the Background portal
 * (org.freedesktop.portal.Background.RequestBackground with autostart),
 * which may show the user a question; the portal cannot be asked whether
 * autostart is on, so the user's last choice is remembered in GSettings.
 * SCIM_AUTOSTART_PORTAL=1 takes the portal path outside a sandbox too (for
 * tests and for checking the portal on a desktop). */

#define PORTAL_BUS "org.freedesktop.portal.Desktop"
#define PORTAL_PATH "/org/freedesktop/portal/desktop"

gboolean
scim_autostart_uses_portal (void)
{
  return g_file_test ("/.flatpak-info", G_FILE_TEST_EXISTS) ||
         g_strcmp0 (g_getenv ("SCIM_AUTOSTART_PORTAL"), "1") == 0;
}

/**
 * scim_autostart_get_desktop_path:
 *
 * Returns: (transfer full): the XDG autostart entry of the app
 */
char *
scim_autostart_get_desktop_path (void)
{
  return g_build_filename (g_get_user_config_dir (), "autostart", APP_ID ".desktop", NULL);
}

/**
 * scim_autostart_get_enabled:
 * @remembered: the user's last choice, used where it cannot be read back
 *
 * Returns: whether the app starts at login
 */
gboolean
scim_autostart_get_enabled (gboolean remembered)
{
  g_autofree char *path = NULL;
  g_autoptr(GKeyFile) entry = g_key_file_new ();

  if (scim_autostart_uses_portal ())
    return remembered;
  path = scim_autostart_get_desktop_path ();
  if (!g_key_file_load_from_file (entry, path, G_KEY_FILE_NONE, NULL))
    return FALSE;
  if (g_key_file_get_boolean (entry, G_KEY_FILE_DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_HIDDEN, NULL))
    return FALSE;
  if (g_key_file_has_key (entry, G_KEY_FILE_DESKTOP_GROUP, "X-GNOME-Autostart-enabled", NULL) &&
      !g_key_file_get_boolean (entry, G_KEY_FILE_DESKTOP_GROUP, "X-GNOME-Autostart-enabled", NULL))
    return FALSE;
  return TRUE;
}

/* The program that is running, so a build run from its folder starts
 * itself at login; the installed one is found on PATH. */
static char *
own_program (void)
{
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *installed = g_find_program_in_path (PACKAGE_NAME);

  if (self != NULL && installed != NULL)
    {
      g_autofree char *resolved = g_canonicalize_filename (installed, NULL);
      g_autofree char *target = g_file_read_link (resolved, NULL);

      if (g_str_equal (resolved, self) || (target != NULL && g_str_equal (target, self)))
        return g_steal_pointer (&installed);
    }
  if (self != NULL)
    return g_steal_pointer (&self);
  return g_strdup (PACKAGE_NAME);
}

static gboolean
write_desktop_entry (gboolean enable,
                     GError **error)
{
  g_autofree char *path = scim_autostart_get_desktop_path ();
  g_autofree char *folder = g_path_get_dirname (path);
  g_autofree char *program = NULL;
  g_autofree char *quoted = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(GKeyFile) entry = g_key_file_new ();

  if (!enable)
    {
      if (g_remove (path) != 0 && errno != ENOENT)
        {
          int saved = errno;
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                       _("Could not remove “%s”: %s"), path, g_strerror (saved));
          return FALSE;
        }
      return TRUE;
    }

  program = own_program ();
  quoted = g_shell_quote (program);
  g_key_file_set_string (entry, G_KEY_FILE_DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_TYPE, "Application");
  g_key_file_set_string (entry, G_KEY_FILE_DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_NAME, "SCIM Sales");
  g_key_file_set_string (entry, G_KEY_FILE_DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_COMMENT,
                         "Alerts of SCIM Sales in the background");
  g_key_file_set_string (entry, G_KEY_FILE_DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_ICON, APP_ID);
  {
    g_autofree char *exec = g_strconcat (quoted, " --background", NULL);
    g_key_file_set_string (entry, G_KEY_FILE_DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_EXEC, exec);
  }
  g_key_file_set_boolean (entry, G_KEY_FILE_DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_NO_DISPLAY, TRUE);
  g_key_file_set_boolean (entry, G_KEY_FILE_DESKTOP_GROUP, "X-GNOME-Autostart-enabled", TRUE);
  contents = g_key_file_to_data (entry, NULL, NULL);

  if (g_mkdir_with_parents (folder, 0700) != 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Could not create “%s”: %s"), folder, g_strerror (saved));
      return FALSE;
    }
  return g_file_set_contents_full (path, contents, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0644, error);
}

/* The portal's request: its Response signal ends the task.  The
 * subscription holds the task until then, even when the caller gave up
 * (the portal may be asking the user); finishing drops it. */
typedef struct
{
  GDBusConnection *bus;
  char            *handle;
  guint            signal_id;
  gboolean         enable;
} PortalRequest;

static void
portal_request_free (PortalRequest *request)
{
  if (request->signal_id != 0)
    g_dbus_connection_signal_unsubscribe (request->bus, request->signal_id);
  g_clear_object (&request->bus);
  g_free (request->handle);
  g_free (request);
}

static void
finish_portal (GTask  *task,
               GError *error)
{
  PortalRequest *request = g_task_get_task_data (task);

  if (request->signal_id != 0)
    {
      g_dbus_connection_signal_unsubscribe (request->bus, request->signal_id);
      request->signal_id = 0;
    }
  if (g_task_get_completed (task) || g_task_had_error (task))
    return;
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
on_portal_response_cb (GDBusConnection *bus,
                       const char      *sender,
                       const char      *path,
                       const char      *interface,
                       const char      *signal,
                       GVariant        *parameters,
                       gpointer         user_data)
{
  GTask *task = user_data;
  PortalRequest *request = g_task_get_task_data (task);
  g_autoptr(GVariant) results = NULL;
  guint32 response = 2;
  gboolean granted = FALSE;

  if (!g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(ua{sv})")))
    return;
  g_variant_get (parameters, "(u@a{sv})", &response, &results);
  g_variant_lookup (results, "autostart", "b", &granted);

  g_object_ref (task);
  if (response == 1)
    finish_portal (task, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                                              _("Starting at login was not allowed")));
  else if (response != 0)
    finish_portal (task, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED,
                                              _("The desktop could not set the start at login")));
  else if (request->enable && !granted)
    finish_portal (task, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                                              _("The desktop does not let SCIM Sales start at login; "
                                                "allow it in the system Settings → Apps")));
  else
    finish_portal (task, NULL);
  g_object_unref (task);
}

static void
on_portal_called_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);

  if (reply == NULL)
    {
      g_dbus_error_strip_remote_error (error);
      finish_portal (task, g_error_new (G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                                        _("The desktop has no background portal: %s"), error->message));
    }
  /* Otherwise the Response signal, already subscribed, ends the task. */
}

static void
on_bus_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PortalRequest *request = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  g_autofree char *sender = NULL;
  const char *commandline[] = { PACKAGE_NAME, "--background", NULL };
  GVariantBuilder options;

  request->bus = g_bus_get_finish (result, &error);
  if (request->bus == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (g_task_return_error_if_cancelled (task))
    return;

  /* Subscribe before calling, on the path the portal will use. */
  token = g_strdup_printf ("scim_sales_%u", g_random_int ());
  sender = g_strdup (g_dbus_connection_get_unique_name (request->bus) + 1);
  g_strdelimit (sender, ".", '_');
  request->handle = g_strdup_printf (PORTAL_PATH "/request/%s/%s", sender, token);
  request->signal_id = g_dbus_connection_signal_subscribe (request->bus, PORTAL_BUS, "org.freedesktop.portal.Request",
                                                           "Response", request->handle, NULL,
                                                           G_DBUS_SIGNAL_FLAGS_NONE, on_portal_response_cb,
                                                           g_object_ref (task), g_object_unref);

  g_variant_builder_init (&options, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&options, "{sv}", "handle_token", g_variant_new_string (token));
  g_variant_builder_add (&options, "{sv}", "reason",
                         g_variant_new_string (_("Alerts of due tasks and events come while the window is closed")));
  g_variant_builder_add (&options, "{sv}", "autostart", g_variant_new_boolean (request->enable));
  g_variant_builder_add (&options, "{sv}", "commandline", g_variant_new_strv (commandline, -1));
  g_variant_builder_add (&options, "{sv}", "dbus-activatable", g_variant_new_boolean (FALSE));
  g_dbus_connection_call (request->bus, PORTAL_BUS, PORTAL_PATH, "org.freedesktop.portal.Background",
                          "RequestBackground", g_variant_new ("(sa{sv})", "", &options), G_VARIANT_TYPE ("(o)"),
                          G_DBUS_CALL_FLAGS_NONE, -1, g_task_get_cancellable (task), on_portal_called_cb,
                          g_object_ref (task));
}

/**
 * scim_autostart_set_async:
 * @enable: start at login or not
 * @cancellable: (nullable): stops waiting for the portal
 * @callback: called when done
 * @user_data: for @callback
 *
 * Turns the start at login on or off: the autostart entry, or the
 * Background portal inside Flatpak (which may ask the user first).
 */
void
scim_autostart_set_async (gboolean             enable,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  g_autoptr(GError) error = NULL;
  PortalRequest *request;

  g_task_set_source_tag (task, scim_autostart_set_async);
  if (!scim_autostart_uses_portal ())
    {
      /* A small file in the user's own config folder: written in place. */
      if (write_desktop_entry (enable, &error))
        g_task_return_boolean (task, TRUE);
      else
        g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  request = g_new0 (PortalRequest, 1);
  request->enable = enable;
  g_task_set_task_data (task, request, (GDestroyNotify) portal_request_free);
  g_bus_get (G_BUS_TYPE_SESSION, cancellable, on_bus_cb, g_steal_pointer (&task));
}

gboolean
scim_autostart_set_finish (GAsyncResult *result,
                           GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
