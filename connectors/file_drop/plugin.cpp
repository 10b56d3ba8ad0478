// The plug-in's entry point: the one exported symbol, through which syncline checks the connector API version this
// file was compiled against and gets the factory of the "file_drop" kind (engine/connector/plugin.h).
#include "engine/connector/plugin.h"
#include "connectors/file_drop/file_drop_settings.h"

SYNCLINE_CONNECTOR_PLUGIN(syncline::file_drop::makeFileDropFactory)
