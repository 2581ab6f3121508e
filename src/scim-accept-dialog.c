/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scim-accept-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "scim-accept-dialog.h"
#include "scim-leads.h"

/* Lead acceptance: link the lead to a client (one of the suggested, or a new
 * one made from the lead), choose the products it wants, and the
 * salesperson, who is then asked to build a plan for each new sale. */

struct _ScimAcceptDialog
{
  ScimEditDialog  parent_instance;

  GtkListBox     *client_list;
  GtkCheckButton *new_client_check;
  GtkListBox     *product_list;
  AdwComboRow    *product_row;
  AdwComboRow    *owner_row;

  GArray         *lead_ids;
  GListModel     *products;
  gboolean        suggestions_loaded;
};

G_DEFINE_FINAL_TYPE (ScimAcceptDialog, scim_accept_dialog, SCIM_TYPE_EDIT_DIALOG)

typedef struct
{
  GArray *lead_ids;
  gint64  client_id;
  GArray *product_ids;
  gint64  owner_id;
} AcceptJob;

static void
accept_job_free (gpointer data)
{
  AcceptJob *job = data;

  g_array_unref (job->lead_ids);
  g_array_unref (job->product_ids);
  g_free (job);
}

static gpointer
accept_thread (ScimStore     *store,
               gpointer       data,
               GCancellable  *cancellable,
               GError       **error)
{
  AcceptJob *job = data;
  gboolean ok;

  if (job->lead_ids->len == 1)
    ok = scim_store_accept_lead (store, g_array_index (job->lead_ids, gint64, 0), job->client_id,
                                 (const gint64 *) (gpointer) job->product_ids->data, job->product_ids->len,
                                 job->owner_id, error);
  else
    ok = scim_store_accept_leads (store, (const gint64 *) (gpointer) job->lead_ids->data, job->lead_ids->len,
                                  job->product_ids->len > 0 ? g_array_index (job->product_ids, gint64, 0) : 0,
                                  job->owner_id, error);
  return ok ? GINT_TO_POINTER (TRUE) : NULL;
}

static void
scim_accept_dialog_save (ScimEditDialog *dialog)
{
  ScimAcceptDialog *self = SCIM_ACCEPT_DIALOG (dialog);
  AcceptJob *job = g_new0 (AcceptJob, 1);

  job->lead_ids = g_array_ref (self->lead_ids);
  job->product_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  job->owner_id = scim_edit_dialog_get_record_id (self->owner_row);

  if (self->product_list != NULL)
    {
      for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->product_list)); row != NULL;
           row = gtk_widget_get_next_sibling (row))
        {
          GtkCheckButton *check = g_object_get_data (G_OBJECT (row), "scim-check");
          gint64 id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (row), "scim-product"));

          if (check != NULL && gtk_check_button_get_active (check))
            g_array_append_val (job->product_ids, id);
        }
    }
  else
    {
      gint64 id = scim_edit_dialog_get_record_id (self->product_row);
      g_array_append_val (job->product_ids, id);
    }

  if (self->client_list != NULL && !gtk_check_button_get_active (self->new_client_check))
    {
      for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->client_list)); row != NULL;
           row = gtk_widget_get_next_sibling (row))
        {
          GtkCheckButton *check = g_object_get_data (G_OBJECT (row), "scim-check");

          if (check != NULL && gtk_check_button_get_active (check))
            job->client_id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (row), "scim-client"));
        }
    }

  if (job->product_ids->len == 0)
    {
      scim_edit_dialog_set_error (dialog, _("Products: choose at least one product the lead wants."));
      accept_job_free (job);
      return;
    }
  scim_edit_dialog_run_save (dialog, accept_thread, job, accept_job_free);
}

static GtkWidget *
check_row (const char     *title,
           const char     *subtitle,
           GtkCheckButton *group,
           gboolean        active)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *check = gtk_check_button_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  if (group != NULL)
    gtk_check_button_set_group (GTK_CHECK_BUTTON (check), group);
  gtk_check_button_set_active (GTK_CHECK_BUTTON (check), active);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
  g_object_set_data (G_OBJECT (row), "scim-check", check);
  return row;
}

static gpointer
suggest_thread (ScimStore     *store,
                gpointer       data,
                GCancellable  *cancellable,
                GError       **error)
{
  return scim_store_suggest_clients (store, GPOINTER_TO_SIZE (data), error);
}

static void
on_suggested_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(ScimAcceptDialog) self = user_data;
  g_autoptr(GListModel) clients = NULL;
  g_autoptr(GError) error = NULL;

  self->suggestions_loaded = TRUE;
  clients = scim_store_run_finish (SCIM_STORE (source), result, &error);
  if (clients == NULL)
    {
      scim_edit_dialog_set_error (SCIM_EDIT_DIALOG (self), error->message);
      return;
    }
  for (guint i = 0; i < g_list_model_get_n_items (clients); i++)
    {
      g_autoptr(ScimRecord) client = g_list_model_get_item (clients, i);
      g_autofree char *subtitle = g_strdup_printf ("%s %s · %s", _("Tax ID"), scim_record_get_string (client, "tax-id"),
                                                   scim_record_get_string (client, "phones"));
      GtkWidget *row = check_row (scim_record_get_string (client, "name"), subtitle, self->new_client_check,
                                  i == 0);

      g_object_set_data (G_OBJECT (row), "scim-client", GSIZE_TO_POINTER (scim_record_get_id (client)));
      gtk_list_box_append (self->client_list, row);
    }
}

static void
scim_accept_dialog_finalize (GObject *object)
{
  ScimAcceptDialog *self = SCIM_ACCEPT_DIALOG (object);

  g_clear_pointer (&self->lead_ids, g_array_unref);
  g_clear_object (&self->products);

  G_OBJECT_CLASS (scim_accept_dialog_parent_class)->finalize (object);
}

static void
scim_accept_dialog_class_init (ScimAcceptDialogClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = scim_accept_dialog_finalize;
  SCIM_EDIT_DIALOG_CLASS (klass)->save = scim_accept_dialog_save;
}

static void
scim_accept_dialog_init (ScimAcceptDialog *self)
{
}

static GtkListBox *
boxed_list (void)
{
  GtkWidget *list = gtk_list_box_new ();

  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  return GTK_LIST_BOX (list);
}

/**
 * scim_accept_dialog_new:
 * @parent: the window it belongs to
 * @store: the store
 * @lead_ids: (array length=n_leads): the leads to accept
 * @n_leads: how many
 * @products: (element-type ScimProduct): the product line
 * @users: (element-type ScimUser): salespeople
 *
 * Returns: (transfer none): the dialog, shown
 */
ScimAcceptDialog *
scim_accept_dialog_new (GtkWindow    *parent,
                        ScimStore    *store,
                        const gint64 *lead_ids,
                        guint         n_leads,
                        GListModel   *products,
                        GListModel   *users)
{
  ScimAcceptDialog *self = g_object_new (SCIM_TYPE_ACCEPT_DIALOG, "transient-for", parent, NULL);
  ScimEditDialog *dialog = SCIM_EDIT_DIALOG (self);
  AdwPreferencesGroup *products_group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  AdwPreferencesGroup *owner_group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  g_autofree char *title = NULL;

  scim_edit_dialog_set_store (dialog, store);
  self->lead_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_array_append_vals (self->lead_ids, lead_ids, n_leads);
  self->products = g_object_ref (products);
  title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Accept %u Lead", "Accept %u Leads", n_leads), n_leads);
  gtk_window_set_title (GTK_WINDOW (self), title);
  gtk_window_set_default_size (GTK_WINDOW (self), 560, 640);

  if (n_leads == 1)
    {
      AdwPreferencesGroup *client_group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
      GtkWidget *row;

      adw_preferences_group_set_title (client_group, _("Client"));
      adw_preferences_group_set_description (client_group,
                                             _("Clients that match the lead’s tax id, phone, e-mail or company name"));
      self->client_list = boxed_list ();
      row = check_row (_("A new client made from the lead"), NULL, NULL, TRUE);
      self->new_client_check = g_object_get_data (G_OBJECT (row), "scim-check");
      gtk_list_box_append (self->client_list, row);
      adw_preferences_group_add (client_group, GTK_WIDGET (self->client_list));
      scim_edit_dialog_add_group (dialog, client_group);
      scim_store_run_async (store, suggest_thread, GSIZE_TO_POINTER (lead_ids[0]), NULL, NULL, on_suggested_cb,
                            g_object_ref (self));

      adw_preferences_group_set_title (products_group, _("Products"));
      adw_preferences_group_set_description (products_group, _("A sale starts at the first stage of each product’s funnel"));
      self->product_list = boxed_list ();
      for (guint i = 0; i < g_list_model_get_n_items (products); i++)
        {
          g_autoptr(ScimRecord) product = g_list_model_get_item (products, i);

          if (!scim_record_get_bool (product, "active"))
            continue;
          row = check_row (scim_record_get_string (product, "name"), NULL, NULL, FALSE);
          g_object_set_data (G_OBJECT (row), "scim-product", GSIZE_TO_POINTER (scim_record_get_id (product)));
          gtk_list_box_append (self->product_list, row);
        }
      adw_preferences_group_add (products_group, GTK_WIDGET (self->product_list));
    }
  else
    {
      adw_preferences_group_set_title (products_group, _("Product"));
      adw_preferences_group_set_description (products_group,
                                             _("Each lead is linked to its matching client or gets a new one, "
                                               "and a sale starts at the first stage of the funnel"));
      self->product_row = scim_edit_dialog_add_records (products_group, _("_Product"), products, "name", 0, FALSE);
    }
  scim_edit_dialog_add_group (dialog, products_group);

  adw_preferences_group_set_title (owner_group, _("Salesperson"));
  adw_preferences_group_set_description (owner_group, _("They are asked to build a task plan for each new sale"));
  self->owner_row = scim_edit_dialog_add_records (owner_group, _("_Salesperson"), users, "display-name",
                                                  scim_store_get_user_id (store), FALSE);
  scim_edit_dialog_add_group (dialog, owner_group);

  gtk_window_present (GTK_WINDOW (self));
  return self;
}

/* Whether the suggested clients have arrived; tests wait for it. */
gboolean
scim_accept_dialog_is_ready (ScimAcceptDialog *self)
{
  g_return_val_if_fail (SCIM_IS_ACCEPT_DIALOG (self), FALSE);
  return self->client_list == NULL || self->suggestions_loaded;
}

/* Chooses as a person would: a product, the salesperson, and the client
 * (0: a new client; n: the n-th suggestion).  For tests. */
void
scim_accept_dialog_choose (ScimAcceptDialog *self,
                           gint64            product_id,
                           gint64            owner_id,
                           guint             client_choice)
{
  GListModel *owners = adw_combo_row_get_model (self->owner_row);
  guint index = 0;

  g_return_if_fail (SCIM_IS_ACCEPT_DIALOG (self));

  for (GtkWidget *row = self->product_list != NULL ? gtk_widget_get_first_child (GTK_WIDGET (self->product_list)) : NULL;
       row != NULL; row = gtk_widget_get_next_sibling (row))
    {
      GtkCheckButton *check = g_object_get_data (G_OBJECT (row), "scim-check");
      gtk_check_button_set_active (check, (gint64) GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (row), "scim-product"))
                                          == product_id);
    }
  for (guint i = 0; i < g_list_model_get_n_items (owners); i++)
    {
      g_autoptr(ScimRecord) user = g_list_model_get_item (owners, i);
      if (scim_record_get_id (user) == owner_id)
        adw_combo_row_set_selected (self->owner_row, i);
    }
  if (self->client_list != NULL)
    for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->client_list)); row != NULL;
         row = gtk_widget_get_next_sibling (row), index++)
      if (index == client_choice)
        gtk_check_button_set_active (g_object_get_data (G_OBJECT (row), "scim-check"), TRUE);
}
