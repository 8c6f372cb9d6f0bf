<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>FeedDialog</name>
    <message>
        <location filename="../../console/qt/feed_dialog.py" line="37"/>
        <source>Configure feeds</source>
        <translation>配置数据源</translation>
    </message>
    <message>
        <location filename="../../console/qt/feed_dialog.py" line="43"/>
        <source>Add</source>
        <translation>添加</translation>
    </message>
    <message>
        <location filename="../../console/qt/feed_dialog.py" line="43"/>
        <source>Remove</source>
        <translation>删除</translation>
    </message>
    <message>
        <location filename="../../console/qt/feed_dialog.py" line="50"/>
        <source>Enabled</source>
        <translation>启用</translation>
    </message>
    <message>
        <location filename="../../console/qt/feed_dialog.py" line="52"/>
        <source>Option</source>
        <translation>选项</translation>
    </message>
    <message>
        <location filename="../../console/qt/feed_dialog.py" line="52"/>
        <source>Value</source>
        <translation>值</translation>
    </message>
    <message>
        <location filename="../../console/qt/feed_dialog.py" line="55"/>
        <source>Add option</source>
        <translation>添加选项</translation>
    </message>
    <message>
        <location filename="../../console/qt/feed_dialog.py" line="58"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../../console/qt/feed_dialog.py" line="59"/>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../../console/qt/feed_dialog.py" line="63"/>
        <source>Options (TOML values; see resources/config/feeds.example.toml)</source>
        <translation>选项（TOML 取值，参见 resources/config/feeds.example.toml）</translation>
    </message>
    <message>
        <location filename="../../console/qt/feed_dialog.py" line="97"/>
        <source>new feed</source>
        <translation>新数据源</translation>
    </message>
    <message>
        <location filename="../../console/qt/feed_dialog.py" line="177"/>
        <source>Cannot save the feeds: %1</source>
        <translation>无法保存数据源配置：%1</translation>
    </message>
</context>
<context>
    <name>FeedPanel</name>
    <message>
        <location filename="../../console/qt/feed_panel.py" line="36"/>
        <source>Feed</source>
        <translation>数据源</translation>
    </message>
    <message>
        <location filename="../../console/qt/feed_panel.py" line="36"/>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../../console/qt/feed_panel.py" line="36"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../console/qt/feed_panel.py" line="37"/>
        <source>Last message</source>
        <translation>最近消息</translation>
    </message>
    <message>
        <location filename="../../console/qt/feed_panel.py" line="37"/>
        <source>Msg/s</source>
        <translation>消息/秒</translation>
    </message>
    <message>
        <location filename="../../console/qt/feed_panel.py" line="37"/>
        <source>Accepted</source>
        <translation>已接收</translation>
    </message>
    <message>
        <location filename="../../console/qt/feed_panel.py" line="38"/>
        <source>Rejected</source>
        <translation>已拒绝</translation>
    </message>
    <message>
        <location filename="../../console/qt/feed_panel.py" line="46"/>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../../console/qt/feed_panel.py" line="46"/>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <location filename="../../console/qt/feed_panel.py" line="46"/>
        <source>Message</source>
        <translation>消息内容</translation>
    </message>
    <message>
        <location filename="../../console/qt/feed_panel.py" line="50"/>
        <source>Rejected messages (the last 100 of the selected feed)</source>
        <translation>被拒绝的消息（所选数据源最近 100 条）</translation>
    </message>
    <message>
        <location filename="../../console/qt/feed_panel.py" line="72"/>
        <source>%1 s ago</source>
        <translation>%1 秒前</translation>
    </message>
</context>
<context>
    <name>IdentifyPanel</name>
    <message>
        <location filename="../../console/qt/identify_panel.py" line="44"/>
        <source>Click an object on the map to see its attributes.</source>
        <translation>在地图上点击对象以查看其属性。</translation>
    </message>
    <message>
        <location filename="../../console/qt/identify_panel.py" line="49"/>
        <source>ID</source>
        <translation>编号</translation>
    </message>
    <message>
        <location filename="../../console/qt/identify_panel.py" line="53"/>
        <source>Longitude, latitude</source>
        <translation>经度，纬度</translation>
    </message>
</context>
<context>
    <name>ImportDialog</name>
    <message>
        <location filename="../../console/qt/import_dialog.py" line="21"/>
        <location filename="../../console/qt/import_dialog.py" line="56"/>
        <source>Import data</source>
        <translation>导入数据</translation>
    </message>
    <message>
        <location filename="../../console/qt/import_dialog.py" line="26"/>
        <source>GeoJSON, CSV or GeoPackage file</source>
        <translation>GeoJSON、CSV 或 GeoPackage 文件</translation>
    </message>
    <message>
        <location filename="../../console/qt/import_dialog.py" line="27"/>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <location filename="../../console/qt/import_dialog.py" line="35"/>
        <source>The coordinate system the file is in; GCJ-02 for Amap or Tencent data, BD-09 for Baidu; any EPSG:n</source>
        <translation>文件所用坐标系：高德、腾讯数据为 GCJ-02，百度为 BD-09；也可填 EPSG:n</translation>
    </message>
    <message>
        <location filename="../../console/qt/import_dialog.py" line="38"/>
        <source>Layer</source>
        <translation>图层</translation>
    </message>
    <message>
        <location filename="../../console/qt/import_dialog.py" line="39"/>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <location filename="../../console/qt/import_dialog.py" line="40"/>
        <source>Coordinate system</source>
        <translation>坐标系</translation>
    </message>
    <message>
        <location filename="../../console/qt/import_dialog.py" line="56"/>
        <source>Data files (*.geojson *.json *.csv *.gpkg)</source>
        <translation>数据文件 (*.geojson *.json *.csv *.gpkg)</translation>
    </message>
    <message>
        <location filename="../../console/qt/import_dialog.py" line="71"/>
        <source>Cannot import: %1</source>
        <translation>无法导入：%1</translation>
    </message>
    <message>
        <location filename="../../console/qt/import_dialog.py" line="75"/>
        <source>Import finished</source>
        <translation>导入完成</translation>
    </message>
    <message>
        <location filename="../../console/qt/import_dialog.py" line="76"/>
        <source>%1: %2 objects loaded, %3 rejected.</source>
        <translation>%1：已导入 %2 个对象，拒绝 %3 条。</translation>
    </message>
</context>
<context>
    <name>LayerPanel</name>
    <message>
        <location filename="../../console/qt/layer_panel.py" line="56"/>
        <source>Basemap</source>
        <translation>底图</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../console/qt/main_window.py" line="38"/>
        <source>Emergency Command Console — Shanghai</source>
        <translation>应急指挥控制台 — 上海</translation>
    </message>
    <message>
        <location filename="../../console/qt/main_window.py" line="45"/>
        <source>Drawn when zoomed in to street scale</source>
        <translation>放大到街道尺度时显示</translation>
    </message>
    <message>
        <location filename="../../console/qt/main_window.py" line="54"/>
        <source>Layers and legend</source>
        <translation>图层与图例</translation>
    </message>
    <message>
        <location filename="../../console/qt/main_window.py" line="57"/>
        <source>Attributes</source>
        <translation>属性</translation>
    </message>
    <message>
        <location filename="../../console/qt/main_window.py" line="60"/>
        <source>Feed health</source>
        <translation>数据源状态</translation>
    </message>
    <message>
        <location filename="../../console/qt/main_window.py" line="81"/>
        <source>Map</source>
        <translation>地图</translation>
    </message>
    <message>
        <location filename="../../console/qt/main_window.py" line="83"/>
        <source>Whole city</source>
        <translation>全市</translation>
    </message>
    <message>
        <location filename="../../console/qt/main_window.py" line="85"/>
        <source>Zoom in</source>
        <translation>放大</translation>
    </message>
    <message>
        <location filename="../../console/qt/main_window.py" line="86"/>
        <source>Zoom out</source>
        <translation>缩小</translation>
    </message>
    <message>
        <location filename="../../console/qt/main_window.py" line="89"/>
        <source>Zoom to district…</source>
        <translation>缩放到区…</translation>
    </message>
    <message>
        <location filename="../../console/qt/main_window.py" line="96"/>
        <source>Search by name or ID (Enter)</source>
        <translation>按名称或编号搜索（回车）</translation>
    </message>
    <message>
        <location filename="../../console/qt/main_window.py" line="104"/>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../console/qt/main_window.py" line="105"/>
        <source>&amp;Import data…</source>
        <translation>导入数据(&amp;I)…</translation>
    </message>
    <message>
        <location filename="../../console/qt/main_window.py" line="107"/>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../../console/qt/main_window.py" line="108"/>
        <source>F&amp;eeds</source>
        <translation>数据源(&amp;E)</translation>
    </message>
    <message>
        <location filename="../../console/qt/main_window.py" line="109"/>
        <source>&amp;Configure feeds…</source>
        <translation>配置数据源(&amp;C)…</translation>
    </message>
    <message>
        <location filename="../../console/qt/main_window.py" line="110"/>
        <source>Feed &amp;health</source>
        <translation>数据源状态(&amp;H)</translation>
    </message>
    <message>
        <location filename="../../console/qt/main_window.py" line="111"/>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../console/qt/main_window.py" line="116"/>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../console/qt/main_window.py" line="126"/>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location filename="../../console/qt/main_window.py" line="127"/>
        <source>&amp;About</source>
        <translation>关于(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../console/qt/main_window.py" line="153"/>
        <source>Typhoon</source>
        <translation>台风</translation>
    </message>
    <message>
        <location filename="../../console/qt/main_window.py" line="153"/>
        <source>Rainstorm</source>
        <translation>暴雨</translation>
    </message>
    <message>
        <location filename="../../console/qt/main_window.py" line="160"/>
        <source>Response level %1</source>
        <translation>%1 级响应</translation>
    </message>
    <message>
        <location filename="../../console/qt/main_window.py" line="164"/>
        <source>No live feeds</source>
        <translation>无实时数据源</translation>
    </message>
    <message>
        <location filename="../../console/qt/main_window.py" line="166"/>
        <source>%1 feed(s) need attention</source>
        <translation>%1 个数据源异常</translation>
    </message>
    <message>
        <location filename="../../console/qt/main_window.py" line="169"/>
        <source>All feeds healthy</source>
        <translation>数据源全部正常</translation>
    </message>
    <message>
        <location filename="../../console/qt/main_window.py" line="175"/>
        <source>Scenario time</source>
        <translation>推演时间</translation>
    </message>
    <message>
        <location filename="../../console/qt/main_window.py" line="175"/>
        <source>Beijing time</source>
        <translation>北京时间</translation>
    </message>
    <message>
        <location filename="../../console/qt/main_window.py" line="187"/>
        <source>Some feeds did not start</source>
        <translation>部分数据源未能启动</translation>
    </message>
    <message>
        <location filename="../../console/qt/main_window.py" line="199"/>
        <source>Lon %1, Lat %2</source>
        <translation>经度 %1，纬度 %2</translation>
    </message>
    <message>
        <location filename="../../console/qt/main_window.py" line="202"/>
        <source>Scale 1:%1</source>
        <translation>比例尺 1:%1</translation>
    </message>
    <message>
        <location filename="../../console/qt/main_window.py" line="229"/>
        <source>Nothing found for “%1”</source>
        <translation>未找到“%1”</translation>
    </message>
    <message>
        <location filename="../../console/qt/main_window.py" line="254"/>
        <source>About</source>
        <translation>关于</translation>
    </message>
    <message>
        <location filename="../../console/qt/main_window.py" line="255"/>
        <source>Emergency Command Console
One live picture of the city for typhoons and rainstorms.</source>
        <translation>应急指挥控制台
台风暴雨期间的城市运行一张图。</translation>
    </message>
</context>
<context>
    <name>feed_state</name>
    <message>
        <location filename="../../console/qt/feed_panel.py" line="14"/>
        <source>Not started</source>
        <translation>未启动</translation>
    </message>
    <message>
        <location filename="../../console/qt/feed_panel.py" line="15"/>
        <source>Connecting</source>
        <translation>连接中</translation>
    </message>
    <message>
        <location filename="../../console/qt/feed_panel.py" line="16"/>
        <source>Connected</source>
        <translation>已连接</translation>
    </message>
    <message>
        <location filename="../../console/qt/feed_panel.py" line="17"/>
        <source>Reconnecting</source>
        <translation>重连中</translation>
    </message>
    <message>
        <location filename="../../console/qt/feed_panel.py" line="18"/>
        <source>Down</source>
        <translation>中断</translation>
    </message>
    <message>
        <location filename="../../console/qt/feed_panel.py" line="19"/>
        <source>Stale</source>
        <translation>数据过期</translation>
    </message>
    <message>
        <location filename="../../console/qt/feed_panel.py" line="20"/>
        <source>Finished</source>
        <translation>已结束</translation>
    </message>
</context>
<context>
    <name>fields</name>
    <message>
        <location filename="../../layers/cameras.py" line="17"/>
        <location filename="../../layers/flood_points.py" line="25"/>
        <location filename="../../layers/sites.py" line="23"/>
        <location filename="../../layers/stations.py" line="24"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../../layers/cameras.py" line="18"/>
        <source>Owner</source>
        <translation>权属单位</translation>
    </message>
    <message>
        <location filename="../../layers/cameras.py" line="19"/>
        <source>Watches</source>
        <translation>监控对象</translation>
    </message>
    <message>
        <location filename="../../layers/cameras.py" line="20"/>
        <source>Stream address</source>
        <translation>视频流地址</translation>
    </message>
    <message>
        <location filename="../../layers/cameras.py" line="21"/>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../layers/flood_points.py" line="26"/>
        <location filename="../../layers/sites.py" line="24"/>
        <location filename="../../layers/stations.py" line="25"/>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../../layers/flood_points.py" line="27"/>
        <location filename="../../layers/sites.py" line="25"/>
        <location filename="../../layers/stations.py" line="26"/>
        <location filename="../../layers/trees.py" line="30"/>
        <source>District</source>
        <translation>所属区</translation>
    </message>
    <message>
        <location filename="../../layers/flood_points.py" line="28"/>
        <source>Sensor</source>
        <translation>水位传感器</translation>
    </message>
    <message>
        <location filename="../../layers/flood_points.py" line="29"/>
        <location filename="../../layers/stations.py" line="27"/>
        <source>Expected reading interval (s)</source>
        <translation>预期上报间隔 (秒)</translation>
    </message>
    <message>
        <location filename="../../layers/flood_points.py" line="31"/>
        <source>Water depth (cm)</source>
        <translation>积水深度 (厘米)</translation>
    </message>
    <message>
        <location filename="../../layers/flood_points.py" line="32"/>
        <source>Depth class</source>
        <translation>积水等级</translation>
    </message>
    <message>
        <location filename="../../layers/flood_points.py" line="33"/>
        <location filename="../../layers/stations.py" line="40"/>
        <source>Last reading</source>
        <translation>最近读数</translation>
    </message>
    <message>
        <location filename="../../layers/sites.py" line="26"/>
        <source>Tower cranes</source>
        <translation>塔吊</translation>
    </message>
    <message>
        <location filename="../../layers/sites.py" line="27"/>
        <source>Hoists</source>
        <translation>施工升降机</translation>
    </message>
    <message>
        <location filename="../../layers/sites.py" line="28"/>
        <source>Gondolas</source>
        <translation>吊篮</translation>
    </message>
    <message>
        <location filename="../../layers/sites.py" line="29"/>
        <source>Workers on site</source>
        <translation>在场工人</translation>
    </message>
    <message>
        <location filename="../../layers/sites.py" line="30"/>
        <source>Evacuation status</source>
        <translation>撤离状态</translation>
    </message>
    <message>
        <location filename="../../layers/trees.py" line="22"/>
        <source>Species</source>
        <translation>树种</translation>
    </message>
    <message>
        <location filename="../../layers/trees.py" line="23"/>
        <source>Trunk diameter DBH (cm)</source>
        <translation>胸径 DBH (厘米)</translation>
    </message>
    <message>
        <location filename="../../layers/trees.py" line="24"/>
        <source>Cross-section decayed (%)</source>
        <translation>断面腐朽率 (%)</translation>
    </message>
    <message>
        <location filename="../../layers/trees.py" line="26"/>
        <source>Residual wall ratio t/R</source>
        <translation>剩余壁厚比 t/R</translation>
    </message>
    <message>
        <location filename="../../layers/trees.py" line="27"/>
        <source>Risk grade</source>
        <translation>风险等级</translation>
    </message>
    <message>
        <location filename="../../layers/trees.py" line="28"/>
        <source>Status</source>
        <translation>养护状态</translation>
    </message>
    <message>
        <location filename="../../layers/trees.py" line="29"/>
        <source>Last inspection</source>
        <translation>最近检查</translation>
    </message>
    <message>
        <location filename="../../layers/trees.py" line="31"/>
        <source>Street</source>
        <translation>所在道路</translation>
    </message>
    <message>
        <location filename="../../layers/stations.py" line="29"/>
        <source>Warning level (m)</source>
        <translation>警戒水位 (米)</translation>
    </message>
    <message>
        <location filename="../../layers/stations.py" line="31"/>
        <source>Mean wind (m/s)</source>
        <translation>平均风速 (米/秒)</translation>
    </message>
    <message>
        <location filename="../../layers/stations.py" line="32"/>
        <source>Gust (m/s)</source>
        <translation>阵风 (米/秒)</translation>
    </message>
    <message>
        <location filename="../../layers/stations.py" line="33"/>
        <source>Rain, last hour (mm)</source>
        <translation>1 小时雨量 (毫米)</translation>
    </message>
    <message>
        <location filename="../../layers/stations.py" line="35"/>
        <source>Rain since the event began (mm)</source>
        <translation>过程累计雨量 (毫米)</translation>
    </message>
    <message>
        <location filename="../../layers/stations.py" line="37"/>
        <source>Water level (m)</source>
        <translation>水位 (米)</translation>
    </message>
    <message>
        <location filename="../../layers/stations.py" line="38"/>
        <source>Condition</source>
        <translation>状况</translation>
    </message>
</context>
<context>
    <name>layers</name>
    <message>
        <location filename="../../layers/cameras.py" line="15"/>
        <source>Cameras</source>
        <translation>视频监控</translation>
    </message>
    <message>
        <location filename="../../layers/flood_points.py" line="23"/>
        <source>Flood points</source>
        <translation>积水点</translation>
    </message>
    <message>
        <location filename="../../layers/sites.py" line="21"/>
        <source>Construction sites</source>
        <translation>建筑工地</translation>
    </message>
    <message>
        <location filename="../../layers/trees.py" line="20"/>
        <source>Street trees</source>
        <translation>行道树</translation>
    </message>
    <message>
        <location filename="../../console/core/basemap_loader.py" line="22"/>
        <source>Land</source>
        <translation>陆地</translation>
    </message>
    <message>
        <location filename="../../console/core/basemap_loader.py" line="23"/>
        <source>Districts</source>
        <translation>行政区</translation>
    </message>
    <message>
        <location filename="../../console/core/basemap_loader.py" line="24"/>
        <source>Shoreline</source>
        <translation>海岸线</translation>
    </message>
    <message>
        <location filename="../../console/core/basemap_loader.py" line="25"/>
        <source>Rivers</source>
        <translation>河流</translation>
    </message>
    <message>
        <location filename="../../console/core/basemap_loader.py" line="26"/>
        <source>Roads</source>
        <translation>道路</translation>
    </message>
    <message>
        <location filename="../../layers/stations.py" line="22"/>
        <source>Weather and tide stations</source>
        <translation>气象站与潮位站</translation>
    </message>
</context>
<context>
    <name>legend</name>
    <message>
        <location filename="../../layers/cameras.py" line="8"/>
        <source>Online</source>
        <translation>在线</translation>
    </message>
    <message>
        <location filename="../../layers/cameras.py" line="9"/>
        <source>Offline</source>
        <translation>离线</translation>
    </message>
    <message>
        <location filename="../../layers/flood_points.py" line="12"/>
        <location filename="../../layers/stations.py" line="15"/>
        <source>No reading</source>
        <translation>无读数</translation>
    </message>
    <message>
        <location filename="../../layers/flood_points.py" line="13"/>
        <source>Dry or minor (&lt; 15 cm)</source>
        <translation>无积水或轻微 (&lt; 15 厘米)</translation>
    </message>
    <message>
        <location filename="../../layers/flood_points.py" line="14"/>
        <source>Ponding 15–25 cm</source>
        <translation>积水 15–25 厘米</translation>
    </message>
    <message>
        <location filename="../../layers/flood_points.py" line="15"/>
        <source>Underpass closure 25–40 cm</source>
        <translation>下立交封闭 25–40 厘米</translation>
    </message>
    <message>
        <location filename="../../layers/flood_points.py" line="16"/>
        <source>Road closure ≥ 40 cm</source>
        <translation>道路封闭 ≥ 40 厘米</translation>
    </message>
    <message>
        <location filename="../../layers/sites.py" line="12"/>
        <source>Working normally</source>
        <translation>正常施工</translation>
    </message>
    <message>
        <location filename="../../layers/sites.py" line="13"/>
        <source>Work stopped</source>
        <translation>已停工</translation>
    </message>
    <message>
        <location filename="../../layers/sites.py" line="14"/>
        <source>Evacuating</source>
        <translation>撤离中</translation>
    </message>
    <message>
        <location filename="../../layers/sites.py" line="15"/>
        <source>Evacuated</source>
        <translation>已撤离</translation>
    </message>
    <message>
        <location filename="../../layers/trees.py" line="11"/>
        <source>Very high risk</source>
        <translation>极高风险</translation>
    </message>
    <message>
        <location filename="../../layers/trees.py" line="12"/>
        <source>High risk</source>
        <translation>高风险</translation>
    </message>
    <message>
        <location filename="../../layers/trees.py" line="13"/>
        <source>Medium risk</source>
        <translation>中风险</translation>
    </message>
    <message>
        <location filename="../../layers/trees.py" line="14"/>
        <source>Low risk</source>
        <translation>低风险</translation>
    </message>
    <message>
        <location filename="../../layers/base.py" line="75"/>
        <source>Stale: no recent reading</source>
        <translation>数据过期：近期无读数</translation>
    </message>
    <message>
        <location filename="../../layers/stations.py" line="10"/>
        <source>Tide above warning level</source>
        <translation>潮位超警戒</translation>
    </message>
    <message>
        <location filename="../../layers/stations.py" line="11"/>
        <source>Wind force 10 or gusts 12 and above</source>
        <translation>平均风 10 级或阵风 12 级以上</translation>
    </message>
    <message>
        <location filename="../../layers/stations.py" line="12"/>
        <source>Wind force 8 or gusts 10 and above</source>
        <translation>平均风 8 级或阵风 10 级以上</translation>
    </message>
    <message>
        <location filename="../../layers/stations.py" line="13"/>
        <source>Wind force 6 or gusts 8 and above</source>
        <translation>平均风 6 级或阵风 8 级以上</translation>
    </message>
    <message>
        <location filename="../../layers/stations.py" line="14"/>
        <source>Normal</source>
        <translation>正常</translation>
    </message>
</context>
<context>
    <name>signal</name>
    <message>
        <location filename="../../console/qt/main_window.py" line="22"/>
        <source>blue</source>
        <translation>蓝色</translation>
    </message>
    <message>
        <location filename="../../console/qt/main_window.py" line="22"/>
        <source>yellow</source>
        <translation>黄色</translation>
    </message>
    <message>
        <location filename="../../console/qt/main_window.py" line="23"/>
        <source>orange</source>
        <translation>橙色</translation>
    </message>
    <message>
        <location filename="../../console/qt/main_window.py" line="23"/>
        <source>red</source>
        <translation>红色</translation>
    </message>
</context>
<context>
    <name>values</name>
    <message>
        <location filename="../../layers/cameras.py" line="30"/>
        <source>Online</source>
        <translation>在线</translation>
    </message>
    <message>
        <location filename="../../layers/cameras.py" line="31"/>
        <source>Offline</source>
        <translation>离线</translation>
    </message>
    <message>
        <location filename="../../layers/flood_points.py" line="41"/>
        <source>Underpass</source>
        <translation>下立交</translation>
    </message>
    <message>
        <location filename="../../layers/flood_points.py" line="42"/>
        <source>Road ponding spot</source>
        <translation>道路积水点</translation>
    </message>
    <message>
        <location filename="../../layers/sites.py" line="38"/>
        <source>Building</source>
        <translation>房建工程</translation>
    </message>
    <message>
        <location filename="../../layers/sites.py" line="39"/>
        <source>Municipal works</source>
        <translation>市政工程</translation>
    </message>
    <message>
        <location filename="../../layers/sites.py" line="42"/>
        <source>Working normally</source>
        <translation>正常施工</translation>
    </message>
    <message>
        <location filename="../../layers/sites.py" line="43"/>
        <source>Work stopped</source>
        <translation>已停工</translation>
    </message>
    <message>
        <location filename="../../layers/sites.py" line="44"/>
        <source>Evacuating</source>
        <translation>撤离中</translation>
    </message>
    <message>
        <location filename="../../layers/sites.py" line="45"/>
        <source>Evacuated</source>
        <translation>已撤离</translation>
    </message>
    <message>
        <location filename="../../layers/trees.py" line="39"/>
        <source>Very high</source>
        <translation>极高</translation>
    </message>
    <message>
        <location filename="../../layers/trees.py" line="40"/>
        <source>High</source>
        <translation>高</translation>
    </message>
    <message>
        <location filename="../../layers/trees.py" line="41"/>
        <source>Medium</source>
        <translation>中</translation>
    </message>
    <message>
        <location filename="../../layers/trees.py" line="42"/>
        <source>Low</source>
        <translation>低</translation>
    </message>
    <message>
        <location filename="../../layers/trees.py" line="45"/>
        <source>Checked</source>
        <translation>已检查</translation>
    </message>
    <message>
        <location filename="../../layers/trees.py" line="46"/>
        <source>Pruned</source>
        <translation>已修剪</translation>
    </message>
    <message>
        <location filename="../../layers/trees.py" line="47"/>
        <source>Braced</source>
        <translation>已支撑加固</translation>
    </message>
    <message>
        <location filename="../../layers/trees.py" line="48"/>
        <source>Removed</source>
        <translation>已移除</translation>
    </message>
    <message>
        <location filename="../../layers/stations.py" line="48"/>
        <source>Weather station</source>
        <translation>气象站</translation>
    </message>
    <message>
        <location filename="../../layers/stations.py" line="49"/>
        <source>Tide gauge</source>
        <translation>潮位站</translation>
    </message>
</context>
</TS>
