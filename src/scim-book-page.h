/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "scim-core.h"

G_BEGIN_DECLS

#define SCIM_TYPE_BOOK_PAGE (scim_book_page_get_type ())
G_DECLARE_FINAL_TYPE (ScimBookPage, scim_book_page, SCIM, BOOK_PAGE, GtkWidget)

void        scim_book_page_set_store (ScimBookPage *self,
                                      ScimStore    *store);
GtkWidget  *scim_book_page_add_event    (ScimBookPage *self);
GListModel *scim_book_page_get_planned  (ScimBookPage *self);
GtkWidget  *scim_book_page_get_timeline (ScimBookPage *self);
GListModel *scim_book_page_get_model (ScimBookPage *self);

G_END_DECLS
