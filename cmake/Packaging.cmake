# Installation and the Debian package (CPack DEB).
# `make install` and `make package` lay out the same tree:
#   /usr/bin/ozonwatch
#   /usr/lib/systemd/system/ozonwatch.service
#   /usr/lib/sysusers.d/ozonwatch.conf, /usr/lib/tmpfiles.d/ozonwatch.conf
#   /usr/share/doc/ozonwatch/{README.md, ozonwatch.example.yaml}
# /etc/ozonwatch/config.yaml is the administrator's: never installed, never overwritten.
include(GNUInstallDirs)

# The service lives under /usr like every Debian package; /usr/local would not match the unit.
if(CMAKE_INSTALL_PREFIX_INITIALIZED_TO_DEFAULT)
  set(CMAKE_INSTALL_PREFIX /usr CACHE PATH "Install prefix" FORCE)
endif()

if(TARGET ozw_daemon)
  target_compile_definitions(ozw_daemon PRIVATE OZW_VERSION="${PROJECT_VERSION}")
endif()

# The unit names the binary by its installed path.
file(READ ${CMAKE_SOURCE_DIR}/systemd/ozonwatch.service _ozw_unit)
string(REPLACE "/usr/bin/ozonwatch" "${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_BINDIR}/ozonwatch"
       _ozw_unit "${_ozw_unit}")
file(WRITE ${CMAKE_BINARY_DIR}/packaging/ozonwatch.service "${_ozw_unit}")
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
             ${CMAKE_SOURCE_DIR}/systemd/ozonwatch.service)

set(_ozw_lib "lib")  # systemd's directories are lib/, not lib/x86_64-linux-gnu
install(FILES ${CMAKE_BINARY_DIR}/packaging/ozonwatch.service
        DESTINATION ${_ozw_lib}/systemd/system)
install(FILES ${CMAKE_SOURCE_DIR}/systemd/ozonwatch.sysusers
        DESTINATION ${_ozw_lib}/sysusers.d RENAME ozonwatch.conf)
install(FILES ${CMAKE_SOURCE_DIR}/systemd/ozonwatch.tmpfiles
        DESTINATION ${_ozw_lib}/tmpfiles.d RENAME ozonwatch.conf)
install(FILES ${CMAKE_SOURCE_DIR}/systemd/ozonwatch.example.yaml ${CMAKE_SOURCE_DIR}/README.md
        ${CMAKE_SOURCE_DIR}/docs/alerts.ru.md ${CMAKE_SOURCE_DIR}/docs/admin.ru.md
        DESTINATION ${CMAKE_INSTALL_DOCDIR})

# Maintainer scripts: create the user and directories; the service is enabled by the
# administrator once /etc/ozonwatch/config.yaml exists.
set(_ozw_scripts ${CMAKE_BINARY_DIR}/packaging/debian)
file(MAKE_DIRECTORY ${_ozw_scripts})
file(WRITE ${_ozw_scripts}/postinst [=[#!/bin/sh
set -e
if [ "$1" = configure ]; then
  systemd-sysusers /usr/lib/sysusers.d/ozonwatch.conf || true
  systemd-tmpfiles --create /usr/lib/tmpfiles.d/ozonwatch.conf || true
  if [ -d /run/systemd/system ]; then
    systemctl daemon-reload || true
    if systemctl is-active --quiet ozonwatch.service; then systemctl restart ozonwatch.service || true; fi
  fi
  if [ ! -e /etc/ozonwatch/config.yaml ]; then
    echo "ozonwatch: copy /usr/share/doc/ozonwatch/ozonwatch.example.yaml to /etc/ozonwatch/config.yaml,"
    echo "ozonwatch: edit it, run 'ozonwatch config check', then 'systemctl enable --now ozonwatch'."
  fi
fi
exit 0
]=])
file(WRITE ${_ozw_scripts}/prerm [=[#!/bin/sh
set -e
if [ "$1" = remove ] && [ -d /run/systemd/system ]; then
  systemctl stop ozonwatch.service || true
  systemctl disable ozonwatch.service || true
fi
exit 0
]=])
file(WRITE ${_ozw_scripts}/postrm [=[#!/bin/sh
set -e
if [ -d /run/systemd/system ]; then systemctl daemon-reload || true; fi
exit 0
]=])
file(CHMOD ${_ozw_scripts}/postinst ${_ozw_scripts}/prerm ${_ozw_scripts}/postrm
     PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE
                 WORLD_READ WORLD_EXECUTE)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME ozonwatch)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "ozonwatch maintainers <ozonwatch@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "watches an Ozon FBS seller account and alerts by Telegram, email and log")
set(CPACK_PACKAGE_DESCRIPTION
    "ozonwatch polls the Ozon Seller API (postings, returns, finance, stocks, reviews, chats)\n\
and tells the shop's manager at once what needs a human.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_STRIP_FILES ON)  # the RelWithDebInfo binary is ~150 MB with symbols
set(CPACK_DEBIAN_PACKAGE_DEPENDS "systemd, ca-certificates, tzdata")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${_ozw_scripts}/postinst ${_ozw_scripts}/prerm ${_ozw_scripts}/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)
include(CPack)

# `ozonwatch demo` finds its scenario here when installed (daemon/demo.cpp looks there last).
install(FILES ${CMAKE_SOURCE_DIR}/sandbox/scenarios/demo.yaml
        DESTINATION ${CMAKE_INSTALL_DATADIR}/ozonwatch/scenarios)
