/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scim-welcome"

#include "config.h"

#include <glib/gi18n.h>

#include "scim-core.h"
#include "scim-welcome.h"

/* The first run: create a database (becoming its first admin) or open an
 * existing file; later runs list the recent files here too. */

struct _ScimWelcome
{
  GtkWidget          parent_instance;

  AdwEntryRow    *login_row;
  AdwEntryRow    *name_row;
  AdwActionRow   *file_row;
  GtkLabel       *error_label;
  GtkButton      *create_button;
  AdwPreferencesGroup *recent_group;
  GtkListBox     *recent_list;

  char           *path;
  GtkNativeDialog *chooser;
};

enum {
  CREATE,
  OPEN,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (ScimWelcome, scim_welcome, GTK_TYPE_WIDGET)

static void
set_path (ScimWelcome *self,
          const char  *path)
{
  g_free (self->path);
  self->path = g_strdup (path);
  adw_action_row_set_subtitle (self->file_row, path);
}

static void
on_form_changed_cb (GtkEditable *editable,
                    ScimWelcome *self)
{
  const char *login = gtk_editable_get_text (GTK_EDITABLE (self->login_row));

  gtk_widget_set_sensitive (GTK_WIDGET (self->create_button), login != NULL && login[0] != '\0');
}

static void
on_create_clicked_cb (GtkWidget   *widget,
                      ScimWelcome *self)
{
  scim_welcome_create (self);
}

static void
on_save_response_cb (GtkNativeDialog *dialog,
                     int              response,
                     ScimWelcome     *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = g_file_get_path (file);

      if (path != NULL)
        set_path (self, path);
    }
  g_clear_object (&self->chooser);
}

static void
on_choose_clicked_cb (GtkButton   *button,
                      ScimWelcome *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autoptr(GFile) folder = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *name = NULL;

  self->chooser = GTK_NATIVE_DIALOG (gtk_file_chooser_native_new (_("New Database"), GTK_WINDOW (root),
                                                                    GTK_FILE_CHOOSER_ACTION_SAVE,
                                                                    _("_Create"), _("_Cancel")));
  gtk_file_chooser_set_create_folders (GTK_FILE_CHOOSER (self->chooser), TRUE);
  dir = g_path_get_dirname (self->path);
  name = g_path_get_basename (self->path);
  if (g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      folder = g_file_new_for_path (dir);
      gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (self->chooser), folder, NULL);
    }
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), name);
  g_signal_connect (self->chooser, "response", G_CALLBACK (on_save_response_cb), self);
  gtk_native_dialog_show (self->chooser);
}

static void
on_open_response_cb (GtkNativeDialog *dialog,
                     int              response,
                     ScimWelcome     *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = g_file_get_path (file);

      if (path != NULL)
        g_signal_emit (self, signals[OPEN], 0, path);
    }
  g_clear_object (&self->chooser);
}

static void
on_open_clicked_cb (GtkButton   *button,
                    ScimWelcome *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autoptr(GtkFileFilter) databases = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) all = gtk_file_filter_new ();

  self->chooser = GTK_NATIVE_DIALOG (gtk_file_chooser_native_new (_("Open Database"), GTK_WINDOW (root),
                                                                    GTK_FILE_CHOOSER_ACTION_OPEN,
                                                                    _("_Open"), _("_Cancel")));
  gtk_file_filter_set_name (databases, _("Databases"));
  gtk_file_filter_add_pattern (databases, "*.db");
  gtk_file_filter_add_pattern (databases, "*.sqlite");
  gtk_file_filter_add_pattern (databases, "*.scim");
  gtk_file_filter_add_mime_type (databases, "application/x-scim-sales");
  gtk_file_filter_add_mime_type (databases, "application/vnd.sqlite3");
  gtk_file_filter_set_name (all, _("All files"));
  gtk_file_filter_add_pattern (all, "*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), databases);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), all);
  g_signal_connect (self->chooser, "response", G_CALLBACK (on_open_response_cb), self);
  gtk_native_dialog_show (self->chooser);
}

static void
on_recent_activated_cb (GtkListBox    *list,
                        GtkListBoxRow *row,
                        ScimWelcome   *self)
{
  const char *path = g_object_get_data (G_OBJECT (row), "scim-path");

  if (path != NULL)
    g_signal_emit (self, signals[OPEN], 0, path);
}

static void
scim_welcome_dispose (GObject *object)
{
  GtkWidget *child;
  ScimWelcome *self = (ScimWelcome *) object;

  if (self->chooser != NULL)
    gtk_native_dialog_destroy (self->chooser);
  g_clear_object (&self->chooser);
  gtk_widget_dispose_template (GTK_WIDGET (self), SCIM_TYPE_WELCOME);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (scim_welcome_parent_class)->dispose (object);
}

static void
scim_welcome_finalize (GObject *object)
{
  ScimWelcome *self = (ScimWelcome *) object;

  g_free (self->path);

  G_OBJECT_CLASS (scim_welcome_parent_class)->finalize (object);
}

static void
scim_welcome_class_init (ScimWelcomeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = scim_welcome_dispose;
  object_class->finalize = scim_welcome_finalize;

  /**
   * ScimWelcome::create:
   * @path: the new file
   * @login: the first admin's login
   * @full_name: the first admin's name
   */
  signals[CREATE] = g_signal_new ("create", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                  G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING);
  /**
   * ScimWelcome::open:
   * @path: the file to open
   */
  signals[OPEN] = g_signal_new ("open", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, "/ru/scim/Sales/scim-welcome.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_bind_template_child (widget_class, ScimWelcome, create_button);
  gtk_widget_class_bind_template_child (widget_class, ScimWelcome, error_label);
  gtk_widget_class_bind_template_child (widget_class, ScimWelcome, file_row);
  gtk_widget_class_bind_template_child (widget_class, ScimWelcome, login_row);
  gtk_widget_class_bind_template_child (widget_class, ScimWelcome, name_row);
  gtk_widget_class_bind_template_child (widget_class, ScimWelcome, recent_group);
  gtk_widget_class_bind_template_child (widget_class, ScimWelcome, recent_list);
  gtk_widget_class_bind_template_callback (widget_class, on_choose_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_create_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_form_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_open_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_recent_activated_cb);
}

static void
scim_welcome_init (ScimWelcome *self)
{
  g_autofree char *path = scim_store_get_default_path ();

  gtk_widget_init_template (GTK_WIDGET (self));
  set_path (self, path);
  gtk_editable_set_text (GTK_EDITABLE (self->login_row), g_get_user_name ());
  gtk_editable_set_text (GTK_EDITABLE (self->name_row), g_get_real_name ());
}

/**
 * scim_welcome_set_recent:
 * @self: a #ScimWelcome
 * @paths: (array zero-terminated=1): recently opened files, newest first
 */
void
scim_welcome_set_recent (ScimWelcome        *self,
                         const char * const *paths)
{
  GtkWidget *child;
  guint shown = 0;

  g_return_if_fail (SCIM_IS_WELCOME (self));

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->recent_list))) != NULL)
    gtk_list_box_remove (self->recent_list, child);

  for (guint i = 0; paths != NULL && paths[i] != NULL; i++)
    {
      g_autofree char *name = g_path_get_basename (paths[i]);
      GtkWidget *row;

      if (!g_file_test (paths[i], G_FILE_TEST_EXISTS))
        continue;
      row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), paths[i]);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("go-next-symbolic"));
      g_object_set_data_full (G_OBJECT (row), "scim-path", g_strdup (paths[i]), g_free);
      gtk_list_box_append (self->recent_list, row);
      shown++;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->recent_group), shown > 0);
}

/**
 * scim_welcome_set_error:
 * @self: a #ScimWelcome
 * @message: (nullable): what went wrong, or %NULL to hide it
 */
void
scim_welcome_set_error (ScimWelcome *self,
                        const char  *message)
{
  g_return_if_fail (SCIM_IS_WELCOME (self));

  gtk_label_set_label (self->error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

/**
 * scim_welcome_get_error:
 * @self: a #ScimWelcome
 *
 * Returns: (nullable): the message shown above the form, %NULL when none is
 */
const char *
scim_welcome_get_error (ScimWelcome *self)
{
  g_return_val_if_fail (SCIM_IS_WELCOME (self), NULL);
  if (!gtk_widget_get_visible (GTK_WIDGET (self->error_label)))
    return NULL;
  return gtk_label_get_label (self->error_label);
}

/* Fills the form, as a person would; for tests and the command line. */
void
scim_welcome_fill (ScimWelcome *self,
                   const char  *login,
                   const char  *full_name,
                   const char  *path)
{
  g_return_if_fail (SCIM_IS_WELCOME (self));

  if (login != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->login_row), login);
  if (full_name != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->name_row), full_name);
  if (path != NULL)
    set_path (self, path);
}

void
scim_welcome_create (ScimWelcome *self)
{
  g_autofree char *login = NULL;

  g_return_if_fail (SCIM_IS_WELCOME (self));

  login = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->login_row))));
  if (login[0] == '\0')
    {
      scim_welcome_set_error (self, _("Type your login to create the database."));
      gtk_widget_grab_focus (GTK_WIDGET (self->login_row));
      return;
    }
  scim_welcome_set_error (self, NULL);
  g_signal_emit (self, signals[CREATE], 0, self->path, login,
                 gtk_editable_get_text (GTK_EDITABLE (self->name_row)));
}
