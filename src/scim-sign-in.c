/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scim-sign-in"

#include "config.h"

#include <glib/gi18n.h>

#include "scim-core.h"
#include "scim-sign-in.h"

/* Pick your user; type the password when one is set.  A database without
 * users asks for its first administrator instead. */

struct _ScimSignIn
{
  GtkWidget               parent_instance;

  AdwStatusPage       *status_page;
  GtkListBox          *user_list;
  AdwPreferencesGroup *password_group;
  AdwPasswordEntryRow *password_row;
  GtkSwitch           *remember_switch;
  AdwPreferencesGroup *admin_group;
  AdwEntryRow         *admin_login_row;
  AdwEntryRow         *admin_name_row;
  GtkLabel            *error_label;
  GtkButton           *sign_in_button;

  char                *selected;
  gboolean             no_users;
};

enum {
  SIGN_IN,
  CREATE_ADMIN,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (ScimSignIn, scim_sign_in, GTK_TYPE_WIDGET)

static void
select_row (ScimSignIn    *self,
            GtkListBoxRow *row)
{
  ScimUser *user = g_object_get_data (G_OBJECT (row), "scim-user");
  gboolean needs_password = scim_record_get_bool (SCIM_RECORD (user), "has-password");

  g_free (self->selected);
  self->selected = g_strdup (scim_record_get_string (SCIM_RECORD (user), "login"));

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->user_list));
       child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *check = g_object_get_data (G_OBJECT (child), "scim-check");
      if (check != NULL)
        gtk_widget_set_visible (check, child == GTK_WIDGET (row));
    }

  scim_sign_in_set_error (self, NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->password_group), needs_password);
  gtk_widget_set_visible (GTK_WIDGET (self->sign_in_button), needs_password);
  if (needs_password)
    {
      gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
      gtk_widget_grab_focus (GTK_WIDGET (self->password_row));
    }
  else
    g_signal_emit (self, signals[SIGN_IN], 0, self->selected, NULL, FALSE);
}

static void
on_user_activated_cb (GtkListBox    *list,
                      GtkListBoxRow *row,
                      ScimSignIn    *self)
{
  select_row (self, row);
}

static void
on_sign_in_clicked_cb (GtkWidget  *widget,
                       ScimSignIn *self)
{
  if (self->no_users)
    {
      g_autofree char *login = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->admin_login_row))));

      if (login[0] == '\0')
        {
          scim_sign_in_set_error (self, _("Type a login for the administrator."));
          return;
        }
      g_signal_emit (self, signals[CREATE_ADMIN], 0, login,
                     gtk_editable_get_text (GTK_EDITABLE (self->admin_name_row)));
      return;
    }
  scim_sign_in_submit (self, gtk_editable_get_text (GTK_EDITABLE (self->password_row)));
}

static void
scim_sign_in_dispose (GObject *object)
{
  GtkWidget *child;
  gtk_widget_dispose_template (GTK_WIDGET (object), SCIM_TYPE_SIGN_IN);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (scim_sign_in_parent_class)->dispose (object);
}

static void
scim_sign_in_finalize (GObject *object)
{
  ScimSignIn *self = (ScimSignIn *) object;

  g_free (self->selected);

  G_OBJECT_CLASS (scim_sign_in_parent_class)->finalize (object);
}

static void
scim_sign_in_class_init (ScimSignInClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = scim_sign_in_dispose;
  object_class->finalize = scim_sign_in_finalize;

  /**
   * ScimSignIn::sign-in:
   * @login: who
   * @password: (nullable): what they typed
   * @remember: whether to keep the password in the keyring
   */
  signals[SIGN_IN] = g_signal_new ("sign-in", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                   G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_BOOLEAN);
  /**
   * ScimSignIn::create-admin:
   * @login: the administrator's login
   * @full_name: the administrator's name
   */
  signals[CREATE_ADMIN] = g_signal_new ("create-admin", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                        NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, "/ru/scim/Sales/scim-sign-in.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_bind_template_child (widget_class, ScimSignIn, admin_group);
  gtk_widget_class_bind_template_child (widget_class, ScimSignIn, admin_login_row);
  gtk_widget_class_bind_template_child (widget_class, ScimSignIn, admin_name_row);
  gtk_widget_class_bind_template_child (widget_class, ScimSignIn, error_label);
  gtk_widget_class_bind_template_child (widget_class, ScimSignIn, password_group);
  gtk_widget_class_bind_template_child (widget_class, ScimSignIn, password_row);
  gtk_widget_class_bind_template_child (widget_class, ScimSignIn, remember_switch);
  gtk_widget_class_bind_template_child (widget_class, ScimSignIn, sign_in_button);
  gtk_widget_class_bind_template_child (widget_class, ScimSignIn, status_page);
  gtk_widget_class_bind_template_child (widget_class, ScimSignIn, user_list);
  gtk_widget_class_bind_template_callback (widget_class, on_sign_in_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_user_activated_cb);
}

static void
scim_sign_in_init (ScimSignIn *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * scim_sign_in_set_users:
 * @self: a #ScimSignIn
 * @file: the database file, shown to the user
 * @users: (element-type ScimUser): the users; inactive ones are skipped
 */
void
scim_sign_in_set_users (ScimSignIn *self,
                        const char *file,
                        GListModel *users)
{
  GtkWidget *child;
  guint n = g_list_model_get_n_items (users);

  g_return_if_fail (SCIM_IS_SIGN_IN (self));

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->user_list))) != NULL)
    gtk_list_box_remove (self->user_list, child);
  g_clear_pointer (&self->selected, g_free);

  adw_status_page_set_description (self->status_page, file);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ScimUser) user = g_list_model_get_item (users, i);
      ScimRole role = SCIM_ROLE_SALES;
      GtkWidget *row, *check;

      if (!scim_record_get_bool (SCIM_RECORD (user), "active"))
        continue;
      scim_role_from_string (scim_record_get_string (SCIM_RECORD (user), "role"), &role);
      row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                     scim_record_get_string (SCIM_RECORD (user), "display-name"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), scim_role_get_label (role));
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("avatar-default-symbolic"));
      if (scim_record_get_bool (SCIM_RECORD (user), "has-password"))
        {
          GtkWidget *lock = gtk_image_new_from_icon_name ("dialog-password-symbolic");
          gtk_widget_set_tooltip_text (lock, _("Signs in with a password"));
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), lock);
        }
      check = gtk_image_new_from_icon_name ("object-select-symbolic");
      gtk_widget_set_visible (check, FALSE);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), check);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      g_object_set_data_full (G_OBJECT (row), "scim-user", g_object_ref (user), g_object_unref);
      g_object_set_data (G_OBJECT (row), "scim-check", check);
      gtk_list_box_append (self->user_list, row);
    }

  self->no_users = n == 0;
  gtk_widget_set_visible (GTK_WIDGET (self->user_list), n > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->admin_group), n == 0);
  gtk_widget_set_visible (GTK_WIDGET (self->password_group), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->sign_in_button), n == 0);
  gtk_button_set_label (self->sign_in_button, n == 0 ? _("C_reate and Sign In") : _("_Sign In"));
  if (n == 0)
    gtk_editable_set_text (GTK_EDITABLE (self->admin_login_row), g_get_user_name ());
  scim_sign_in_set_error (self, NULL);
}

/**
 * scim_sign_in_select:
 * @self: a #ScimSignIn
 * @login: the user to preselect; a user without password signs in at once
 */
void
scim_sign_in_select (ScimSignIn *self,
                     const char *login)
{
  g_return_if_fail (SCIM_IS_SIGN_IN (self));

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->user_list));
       child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      ScimUser *user = g_object_get_data (G_OBJECT (child), "scim-user");

      if (user != NULL && g_ascii_strcasecmp (scim_record_get_string (SCIM_RECORD (user), "login"), login) == 0)
        {
          select_row (self, GTK_LIST_BOX_ROW (child));
          return;
        }
    }
}

void
scim_sign_in_set_error (ScimSignIn *self,
                        const char *message)
{
  g_return_if_fail (SCIM_IS_SIGN_IN (self));

  gtk_label_set_label (self->error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

void
scim_sign_in_set_busy (ScimSignIn *self,
                       gboolean    busy)
{
  g_return_if_fail (SCIM_IS_SIGN_IN (self));
  /* Keep the password entry live (and focused) while the check runs; only
   * what would start a second sign-in waits. */
  gtk_widget_set_sensitive (GTK_WIDGET (self->sign_in_button), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->user_list), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->admin_group), !busy);
}

/**
 * scim_sign_in_get_busy:
 * @self: a #ScimSignIn
 *
 * Returns: whether a sign-in is being checked
 */
gboolean
scim_sign_in_get_busy (ScimSignIn *self)
{
  g_return_val_if_fail (SCIM_IS_SIGN_IN (self), FALSE);
  return !gtk_widget_get_sensitive (GTK_WIDGET (self->sign_in_button));
}

/* Signs in the selected user with @password, as the Sign In button does. */
void
scim_sign_in_submit (ScimSignIn *self,
                     const char *password)
{
  g_return_if_fail (SCIM_IS_SIGN_IN (self));

  if (self->selected == NULL)
    {
      scim_sign_in_set_error (self, _("Choose your user first."));
      return;
    }
  g_signal_emit (self, signals[SIGN_IN], 0, self->selected, password,
                 gtk_switch_get_active (self->remember_switch));
}
