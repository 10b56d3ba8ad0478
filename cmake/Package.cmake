# Install rules and the Debian package (CPack DEB; `make deb` builds it from the package preset). docs/install.md
# says what goes where; docs/architecture.md ("Installing it like a service") why.
#
# Staging: everything but /etc/syncline installs under CMAKE_INSTALL_PREFIX (default /usr). The config goes to the
# absolute /etc/syncline, so stage with DESTDIR (DESTDIR=/tmp/stage cmake --install build/release), never --prefix
# alone, or the install writes the host's /etc.

install(TARGETS syncline RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
if(TARGET syncline-connector-host)  # the out-of-process connector host (connectors/host)
  install(TARGETS syncline-connector-host RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()

# The example config is the package's config (a conffile: dpkg keeps the admin's edits on upgrades), and stays as
# documentation beside the orders file `syncline orders import` takes.
install(FILES config/syncline.example.toml DESTINATION ${CMAKE_INSTALL_FULL_SYSCONFDIR}/syncline RENAME syncline.toml)
install(FILES config/syncline.example.toml config/demo-orders.json DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples)
install(FILES config/syncline.service DESTINATION lib/systemd/system)
install(FILES config/syncline.sysusers DESTINATION lib/sysusers.d RENAME syncline.conf)
install(FILES config/syncline.tmpfiles DESTINATION lib/tmpfiles.d RENAME syncline.conf)
if(TARGET syncline_man)
  install(FILES ${SYNCLINE_MAN_PAGE}.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
endif()
install(FILES ${SYNCLINE_COMPLETION} DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions)
install(FILES README.md docs/install.md docs/architecture.md docs/pricing.md docs/reliability.md docs/storefront.md
              docs/performance.md
        DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(FILES docs/connectors/odbc.md DESTINATION ${CMAKE_INSTALL_DOCDIR}/connectors)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME syncline)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "Syncline maintainers <syncline@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "ERP <-> webstore order sync engine for B2B webstores")
string(CONCAT CPACK_DEBIAN_PACKAGE_DESCRIPTION
       "Pulls the catalog, stock, customers and customer prices from an ERP (over ODBC)\n"
       "into a webstore database (SQLite or PostgreSQL), pushes webstore orders into the\n"
       "ERP exactly once and brings their status back, with conflict resolution per\n"
       "field and a hash-chained audit log. A scheduler daemon (syncline.service) and\n"
       "pricing APIs over HTTP and Thrift.")
set(CPACK_DEBIAN_PACKAGE_SECTION misc)
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
# The shared libraries' packages, from dpkg-shlibdeps (dpkg-dev); ODBC drivers and PostgreSQL are the admin's choice.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "odbc-postgresql")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "postgresql, libsqliteodbc, tdsodbc, odbc-mariadb")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    "${PROJECT_SOURCE_DIR}/packaging/deb/conffiles;${PROJECT_SOURCE_DIR}/packaging/deb/postinst;"
    "${PROJECT_SOURCE_DIR}/packaging/deb/prerm;${PROJECT_SOURCE_DIR}/packaging/deb/postrm")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_DEBIAN_COMPRESSION_TYPE xz)
set(CPACK_SET_DESTDIR ON)    # /etc/syncline is an absolute destination
set(CPACK_STRIP_FILES ON)    # the debug info stays in the build tree
set(CPACK_PACKAGE_DIRECTORY ${PROJECT_BINARY_DIR}/package)
include(CPack)
