/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "scim-columns"

#include "config.h"

#include <glib/gi18n.h>

#include "scim-core.h"
#include "scim-columns.h"

/* Cells of the big tables: one label per visible cell, recycled by the
 * view, bound to a record property and formatted at the UI edge. */

typedef struct
{
  char          *property;
  ScimCellFormat format;
} CellSpec;

static void
cell_spec_free (gpointer data)
{
  CellSpec *spec = data;

  g_free (spec->property);
  g_free (spec);
}

/**
 * scim_cell_format_value:
 * @item: a record
 * @property: one of its properties
 * @format: how to show it
 *
 * Returns: (transfer full): the text of the cell
 */
char *
scim_cell_format_value (GObject        *item,
                        const char     *property,
                        ScimCellFormat  format)
{
  g_auto(GValue) value = G_VALUE_INIT;
  GParamSpec *pspec;

  pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (item), property);
  g_return_val_if_fail (pspec != NULL, g_strdup (""));
  g_value_init (&value, pspec->value_type);
  g_object_get_property (item, property, &value);

  switch (format)
    {
    case SCIM_CELL_TEXT:
      return g_strdup (g_value_get_string (&value) != NULL ? g_value_get_string (&value) : "");
    case SCIM_CELL_DATE:
      return scim_format_date (g_value_get_int64 (&value));
    case SCIM_CELL_DATE_TIME:
      return scim_format_date_time (g_value_get_int64 (&value));
    case SCIM_CELL_MONEY:
      return scim_format_money (g_value_get_int64 (&value));
    case SCIM_CELL_NUMBER:
      return g_strdup_printf ("%'" G_GINT64_FORMAT, g_value_get_int64 (&value));
    case SCIM_CELL_STATE:
      return g_strdup (scim_format_state (g_value_get_string (&value)));
    case SCIM_CELL_STAGE_KIND:
      return g_strdup (scim_format_kind (g_value_get_string (&value)));
    case SCIM_CELL_EVENT_KIND:
      return g_strdup (scim_format_event_kind (g_value_get_string (&value)));
    case SCIM_CELL_ROLE:
      {
        ScimRole role;
        if (scim_role_from_string (g_value_get_string (&value), &role))
          return g_strdup (scim_role_get_label (role));
        return g_strdup ("");
      }
    case SCIM_CELL_YES_NO:
      return g_strdup (g_value_get_boolean (&value) ? _("Yes") : _("No"));
    case SCIM_CELL_DUPLICATES:
      {
        gint64 n = g_value_get_int64 (&value);

        if (n <= 0)
          return g_strdup ("");
        return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u likely duplicate", "%u likely duplicates",
                                             (gulong) n),
                                (guint) n);
      }
    default:
      g_return_val_if_reached (g_strdup (""));
    }
}

static void
update_label (GtkLabel *label)
{
  GObject *item = g_object_get_data (G_OBJECT (label), "scim-item");
  CellSpec *spec = g_object_get_data (G_OBJECT (label), "scim-spec");
  g_autofree char *text = NULL;

  if (item == NULL)
    {
      gtk_label_set_label (label, "");
      return;
    }
  text = scim_cell_format_value (item, spec->property, spec->format);
  gtk_label_set_label (label, text);
}

static void
on_item_notify_cb (GObject    *item,
                   GParamSpec *pspec,
                   GtkLabel   *label)
{
  update_label (label);
}

static void
on_setup_cb (GtkSignalListItemFactory *factory,
             GtkListItem              *list_item,
             CellSpec                 *spec)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), spec->format == SCIM_CELL_MONEY ||
                                           spec->format == SCIM_CELL_NUMBER ? 1.0f : 0.0f);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_single_line_mode (GTK_LABEL (label), TRUE);
  if (spec->format == SCIM_CELL_MONEY || spec->format == SCIM_CELL_NUMBER)
    gtk_widget_add_css_class (label, "numeric");
  g_object_set_data (G_OBJECT (label), "scim-spec", spec);
  gtk_list_item_set_child (list_item, label);
}

static void
on_bind_cb (GtkSignalListItemFactory *factory,
            GtkListItem              *list_item,
            CellSpec                 *spec)
{
  GtkWidget *label = gtk_list_item_get_child (list_item);
  GObject *item = gtk_list_item_get_item (list_item);
  g_autofree char *signal = g_strdup_printf ("notify::%s", spec->property);
  gulong handler;

  g_object_set_data (G_OBJECT (label), "scim-item", item);
  handler = g_signal_connect_object (item, signal, G_CALLBACK (on_item_notify_cb), label, G_CONNECT_DEFAULT);
  g_object_set_data (G_OBJECT (label), "scim-handler", GSIZE_TO_POINTER (handler));
  update_label (GTK_LABEL (label));
}

static void
on_unbind_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *list_item,
              CellSpec                 *spec)
{
  GtkWidget *label = gtk_list_item_get_child (list_item);
  GObject *item = g_object_get_data (G_OBJECT (label), "scim-item");
  gulong handler = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (label), "scim-handler"));

  if (item != NULL && handler != 0)
    g_signal_handler_disconnect (item, handler);
  g_object_set_data (G_OBJECT (label), "scim-item", NULL);
  g_object_set_data (G_OBJECT (label), "scim-handler", NULL);
}

/**
 * scim_cell_factory_new:
 * @property: the record property the cell shows
 * @format: how to show it
 *
 * Returns: (transfer full): a factory of labels bound to @property
 */
GtkListItemFactory *
scim_cell_factory_new (const char     *property,
                       ScimCellFormat  format)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  CellSpec *spec = g_new0 (CellSpec, 1);

  spec->property = g_strdup (property);
  spec->format = format;
  g_object_set_data_full (G_OBJECT (factory), "scim-spec", spec, cell_spec_free);
  g_signal_connect (factory, "setup", G_CALLBACK (on_setup_cb), spec);
  g_signal_connect (factory, "bind", G_CALLBACK (on_bind_cb), spec);
  g_signal_connect (factory, "unbind", G_CALLBACK (on_unbind_cb), spec);
  return factory;
}

/**
 * scim_column_view_add:
 * @view: a column view over records
 * @title: the translated column title
 * @property: the record property
 * @format: how to show it
 * @expand: whether the column takes spare width
 *
 * Returns: (transfer none): the new column
 */
GtkColumnViewColumn *
scim_column_view_add (GtkColumnView  *view,
                      const char     *title,
                      const char     *property,
                      ScimCellFormat  format,
                      gboolean        expand)
{
  g_autoptr(GtkColumnViewColumn) column = NULL;

  column = gtk_column_view_column_new (title, scim_cell_factory_new (property, format));
  gtk_column_view_column_set_expand (column, expand);
  gtk_column_view_column_set_resizable (column, TRUE);
  gtk_column_view_append_column (view, column);
  return column;
}
