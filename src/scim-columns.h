/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/**
 * ScimCellFormat:
 * @SCIM_CELL_TEXT: a string property as it is
 * @SCIM_CELL_DATE: an int64 of UTC seconds as a local date
 * @SCIM_CELL_DATE_TIME: an int64 of UTC seconds as local date and time
 * @SCIM_CELL_MONEY: an int64 of minor units
 * @SCIM_CELL_NUMBER: an int64 as a number
 * @SCIM_CELL_STATE: a state, translated
 * @SCIM_CELL_STAGE_KIND: a stage kind, translated
 * @SCIM_CELL_EVENT_KIND: a sales-book event kind, translated
 * @SCIM_CELL_ROLE: a user role, translated
 * @SCIM_CELL_YES_NO: a boolean
 * @SCIM_CELL_DUPLICATES: an int64 count of likely duplicates; blank when 0
 */
typedef enum
{
  SCIM_CELL_TEXT,
  SCIM_CELL_DATE,
  SCIM_CELL_DATE_TIME,
  SCIM_CELL_MONEY,
  SCIM_CELL_NUMBER,
  SCIM_CELL_STATE,
  SCIM_CELL_STAGE_KIND,
  SCIM_CELL_EVENT_KIND,
  SCIM_CELL_ROLE,
  SCIM_CELL_YES_NO,
  SCIM_CELL_DUPLICATES,
} ScimCellFormat;

GtkListItemFactory *scim_cell_factory_new    (const char     *property,
                                              ScimCellFormat  format);
GtkColumnViewColumn *scim_column_view_add    (GtkColumnView  *view,
                                              const char     *title,
                                              const char     *property,
                                              ScimCellFormat  format,
                                              gboolean        expand);
char               *scim_cell_format_value   (GObject        *item,
                                              const char     *property,
                                              ScimCellFormat  format);

void                scim_view_rows_follow_map (GtkWidget         *view);
void                scim_view_set_model       (GtkWidget         *view,
                                               GtkSelectionModel *model);
GtkSelectionModel  *scim_view_get_model       (GtkWidget         *view);

G_END_DECLS
