#include "app/cli.h"

int main(int argc, char** argv) {
    return syncline::app::runCli(argc, argv);
}
