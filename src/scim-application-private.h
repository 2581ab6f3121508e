/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "scim-application.h"

G_BEGIN_DECLS

void _scim_application_install_actions (ScimApplication *self);

G_END_DECLS
