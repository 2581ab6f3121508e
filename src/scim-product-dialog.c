/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scim-product-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "scim-settings.h"
#include "scim-funnel-editor.h"
#include "scim-product-dialog.h"

/* A product of the line: its name, description, target audience, product
 * manager and whether it is still sold; a new product starts its funnel
 * from the seed's template, from scratch, or as a copy of another's.  An
 * existing product shows its funnel editor. */

struct _ScimProductDialog
{
  ScimEditDialog    parent_instance;

  AdwEntryRow      *name_row;
  AdwEntryRow      *description_row;
  AdwComboRow      *audience_row;
  AdwComboRow      *manager_row;
  GtkSwitch        *active_switch;
  AdwComboRow      *source_row;
  AdwComboRow      *copy_row;
  ScimFunnelEditor *funnel_editor;

  gint64            product_id;
};

G_DEFINE_FINAL_TYPE (ScimProductDialog, scim_product_dialog, SCIM_TYPE_EDIT_DIALOG)

typedef struct
{
  gint64   product_id;
  gint64   version;
  char    *name;
  char    *description;
  gint64   audience_id;
  gint64   manager_id;
  gboolean active;
  guint    source;
  gint64   copy_from;
} SaveJob;

static void
save_job_free (gpointer data)
{
  SaveJob *job = data;

  g_free (job->name);
  g_free (job->description);
  g_free (job);
}

static gpointer
save_thread (ScimStore     *store,
             gpointer       data,
             GCancellable  *cancellable,
             GError       **error)
{
  SaveJob *job = data;
  static const ScimFunnelSource sources[] = { SCIM_FUNNEL_TEMPLATE, SCIM_FUNNEL_EMPTY, SCIM_FUNNEL_COPY };

  if (job->product_id == 0)
    return scim_store_add_product (store, job->name, job->description, job->audience_id, job->manager_id,
                                   sources[MIN (job->source, G_N_ELEMENTS (sources) - 1)], job->copy_from,
                                   error) != 0 ? GINT_TO_POINTER (TRUE) : NULL;
  return scim_store_update_product (store, job->product_id, job->version, job->name, job->description,
                                    job->audience_id, job->manager_id, job->active, error)
         ? GINT_TO_POINTER (TRUE) : NULL;
}

static void
scim_product_dialog_save (ScimEditDialog *dialog)
{
  ScimProductDialog *self = SCIM_PRODUCT_DIALOG (dialog);
  SaveJob *job = g_new0 (SaveJob, 1);

  job->product_id = self->product_id;
  job->version = scim_edit_dialog_get_version (SCIM_EDIT_DIALOG (self));
  job->name = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row)));
  job->description = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->description_row)));
  job->audience_id = scim_edit_dialog_get_record_id (self->audience_row);
  job->manager_id = scim_edit_dialog_get_record_id (self->manager_row);
  job->active = self->active_switch != NULL ? gtk_switch_get_active (self->active_switch) : TRUE;
  job->source = self->source_row != NULL ? adw_combo_row_get_selected (self->source_row) : 0;
  job->copy_from = self->copy_row != NULL ? scim_edit_dialog_get_record_id (self->copy_row) : 0;
  scim_edit_dialog_run_save (dialog, save_thread, job, save_job_free);
}

static void
on_source_selected_cb (AdwComboRow       *row,
                       GParamSpec        *pspec,
                       ScimProductDialog *self)
{
  gtk_widget_set_visible (GTK_WIDGET (self->copy_row), adw_combo_row_get_selected (row) == 2);
}

static void
scim_product_dialog_class_init (ScimProductDialogClass *klass)
{
  ScimEditDialogClass *dialog_class = SCIM_EDIT_DIALOG_CLASS (klass);

  dialog_class->save = scim_product_dialog_save;
  g_type_ensure (SCIM_TYPE_FUNNEL_EDITOR);
}

static void
scim_product_dialog_init (ScimProductDialog *self)
{
}

/**
 * scim_product_dialog_new:
 * @parent: the window it belongs to
 * @store: the store
 * @product: (nullable): the product, or %NULL for a new one
 * @audiences: (element-type ScimAudience): the target audiences to choose from
 * @users: (element-type ScimUser): the people who may manage it
 * @products: (element-type ScimProduct): funnels a new product may copy
 * @editable: whether the signed-in user may change it
 *
 * Returns: (transfer none): the dialog, shown
 */
ScimProductDialog *
scim_product_dialog_new (GtkWindow  *parent,
                         ScimStore  *store,
                         ScimRecord *product,
                         GListModel *audiences,
                         GListModel *users,
                         GListModel *products,
                         gboolean    editable)
{
  ScimProductDialog *self = g_object_new (SCIM_TYPE_PRODUCT_DIALOG, "transient-for", parent, NULL);
  ScimEditDialog *dialog = SCIM_EDIT_DIALOG (self);
  AdwPreferencesGroup *group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());

  scim_edit_dialog_set_store (dialog, store);
  self->product_id = product != NULL ? scim_record_get_id (product) : 0;
  scim_edit_dialog_set_record (dialog, product);
  gtk_window_set_title (GTK_WINDOW (self), product != NULL ? scim_record_get_string (product, "name")
                                                           : _("New Product"));

  self->name_row = scim_edit_dialog_add_entry (group, _("_Name"),
                                               product != NULL ? scim_record_get_string (product, "name") : NULL);
  self->description_row = scim_edit_dialog_add_entry (group, _("_Description"),
                                                      product != NULL ? scim_record_get_string (product, "description") : NULL);
  self->audience_row = scim_edit_dialog_add_records (group, _("Target _audience"), audiences, "name",
                                                     product != NULL ? scim_record_get_int (product, "audience-id") : 0,
                                                     TRUE);
  self->manager_row = scim_edit_dialog_add_records (group, _("Product _manager"), users, "display-name",
                                                    product != NULL ? scim_record_get_int (product, "manager-id")
                                                                    : scim_store_get_user_id (store),
                                                    TRUE);
  if (product != NULL)
    self->active_switch = scim_edit_dialog_add_switch (group, _("_Sold now"),
                                                       _("Switch off to archive the product; its sales stay"),
                                                       scim_record_get_bool (product, "active"));
  scim_edit_dialog_add_group (dialog, group);
  if (product != NULL)
    {
      scim_edit_dialog_track (dialog, GTK_WIDGET (self->name_row), "name");
      scim_edit_dialog_track (dialog, GTK_WIDGET (self->description_row), "description");
      scim_edit_dialog_track (dialog, GTK_WIDGET (self->audience_row), "audience-id");
      scim_edit_dialog_track (dialog, GTK_WIDGET (self->manager_row), "manager-id");
      scim_edit_dialog_track (dialog, GTK_WIDGET (self->active_switch), "active");
    }

  if (product == NULL)
    {
      static const char *sources[] = { N_("The “Financial consulting” template"), N_("Two stages to start from"),
                                       N_("A copy of another product’s funnel"), NULL };
      const char *labels[G_N_ELEMENTS (sources)];
      AdwPreferencesGroup *funnel = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());

      for (guint i = 0; i < G_N_ELEMENTS (sources); i++)
        labels[i] = sources[i] != NULL ? _(sources[i]) : NULL;
      adw_preferences_group_set_title (funnel, _("Funnel"));
      self->source_row = scim_edit_dialog_add_choice (funnel, _("_Start from"), labels, 0);
      self->copy_row = scim_edit_dialog_add_records (funnel, _("_Copy the funnel of"), products, "name", 0, FALSE);
      gtk_widget_set_visible (GTK_WIDGET (self->copy_row), FALSE);
      g_signal_connect_object (self->source_row, "notify::selected", G_CALLBACK (on_source_selected_cb), self,
                               G_CONNECT_DEFAULT);
      scim_edit_dialog_add_group (dialog, funnel);
    }
  else
    {
      AdwPreferencesGroup *holder = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());

      self->funnel_editor = SCIM_FUNNEL_EDITOR (scim_funnel_editor_new ());
      adw_preferences_group_add (holder, GTK_WIDGET (self->funnel_editor));
      scim_edit_dialog_add_group (dialog, holder);
      scim_funnel_editor_set_product (self->funnel_editor, store, self->product_id, editable);
    }

  if (!editable)
    {
      gtk_widget_set_sensitive (GTK_WIDGET (group), FALSE);
      scim_edit_dialog_set_editable (dialog, FALSE);
    }

  gtk_window_present (GTK_WINDOW (self));
  return self;
}

/**
 * scim_product_dialog_get_funnel_editor:
 * @self: a #ScimProductDialog
 *
 * Returns: (transfer none) (nullable): the funnel editor of an existing product
 */
GtkWidget *
scim_product_dialog_get_funnel_editor (ScimProductDialog *self)
{
  g_return_val_if_fail (SCIM_IS_PRODUCT_DIALOG (self), NULL);
  return GTK_WIDGET (self->funnel_editor);
}

/* Fills the form as a person would; for tests. */
void
scim_product_dialog_fill (ScimProductDialog *self,
                          const char        *name,
                          guint              funnel_source)
{
  g_return_if_fail (SCIM_IS_PRODUCT_DIALOG (self));

  gtk_editable_set_text (GTK_EDITABLE (self->name_row), name);
  if (self->source_row != NULL)
    adw_combo_row_set_selected (self->source_row, funnel_source);
}
