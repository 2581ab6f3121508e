/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <gio/gio.h>
#include <locale.h>

#include "scim-application.h"

int
main (int    argc,
      char **argv)
{
  g_autoptr(ScimApplication) app = NULL;
  const char *localedir = g_getenv ("SCIM_LOCALEDIR");

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir != NULL ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  /* Without its schema GSettings aborts the process on the first use; say
   * what is missing and how to get it instead. */
  {
    GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
    g_autoptr(GSettingsSchema) schema = NULL;

    if (source != NULL)
      schema = g_settings_schema_source_lookup (source, BASE_APP_ID, TRUE);
    if (schema == NULL)
      {
        /* Translators: %s is the schema's id, ru.scim.Sales. */
        g_printerr (_("The settings schema “%s” is not installed: run the app from the build folder "
                      "with “meson devenv -C build scim-sales”, or install it with “meson install -C build”."),
                    BASE_APP_ID);
        g_printerr ("\n");
        return 1;
      }
  }

  app = scim_application_new (G_APPLICATION_DEFAULT_FLAGS);
  return g_application_run (G_APPLICATION (app), argc, argv);
}
